using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BioEval.Harness.Results;

/// <summary>
/// One evaluated prompt of one model (a line of predictions.jsonl, in evaluation order): what was sent (by hash),
/// what came back, how it scored.
/// </summary>
/// <param name="Task">The task.</param>
/// <param name="Model">The model.</param>
/// <param name="Id">The evaluation item id (extends the sample id where a sample gives several prompts).</param>
/// <param name="SampleId">The dataset sample's stable id: the unit the statistics resample (LongHealth's prompts of one question share it).</param>
/// <param name="Repeat">Repeat index when sampling several times per prompt (0 otherwise).</param>
/// <param name="PromptHash">SHA-256 of the exact chat sent; the chat itself is in prompts.jsonl.</param>
/// <param name="RawOutput">The model output as generated.</param>
/// <param name="Parsed">The parsed answer the metrics scored.</param>
/// <param name="Scores">Per-sample metric values, by metric name as in results.json.</param>
/// <param name="Error">Why the backend gave no output (e.g. the prompt exceeds the context); null when it answered.</param>
/// <param name="Usage">The backend's token counts and the request's latency; null for an output taken from a checkpoint
/// or refused. Kept out of predictions.jsonl, which stays the same for the same outputs however they were obtained
/// (a resumed run's equals an uninterrupted one's); written to requests.jsonl and summed in results.json.</param>
/// <param name="Scoring">Generated, or chosen by likelihood; then <see cref="RawOutput"/> is the most likely option's answer.</param>
/// <param name="Likelihood">The options' log-probabilities in likelihood scoring; null when generated.</param>
public sealed record PredictionLine(
    string Task,
    string Model,
    string Id,
    string SampleId,
    int Repeat,
    string PromptHash,
    string RawOutput,
    string Parsed,
    IReadOnlyDictionary<string, double> Scores,
    string? Error = null,
    [property: System.Text.Json.Serialization.JsonIgnore] RequestUsage? Usage = null,
    [property: JsonConverter(typeof(JsonStringEnumConverter<Tasks.ScoringMode>))] Tasks.ScoringMode Scoring = Tasks.ScoringMode.Generate,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] OptionLikelihoods? Likelihood = null);

/// <summary>
/// The options of one likelihood-scored item: each option's answer text, summed log-probability and token count, in the
/// task's option order. The answer scored is the highest sum (the first among equals); the <c>_norm</c> metrics score
/// the highest per-byte value (lm-evaluation-harness's <c>acc_norm</c>), both derivable from these figures.
/// </summary>
public sealed record OptionLikelihoods(IReadOnlyList<string> Choices, IReadOnlyList<double> Logprobs, IReadOnlyList<int> Tokens)
{
    /// <summary>The option with the highest summed log-probability.</summary>
    public int Best => ArgMax(Logprobs);

    /// <summary>The option with the highest log-probability per UTF-8 byte of its answer.</summary>
    public int BestPerByte => ArgMax([.. Logprobs.Select((l, i) => new Models.Onnx.ContinuationScore(l, Tokens[i]).PerByte(Choices[i]))]);

    /// <summary>The option with the highest log-probability per token.</summary>
    public int BestPerToken => ArgMax([.. Logprobs.Select((l, i) => new Models.Onnx.ContinuationScore(l, Tokens[i]).PerToken)]);

    private static int ArgMax(IReadOnlyList<double> values)
    {
        var best = 0;
        for (var i = 1; i < values.Count; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }
}

/// <summary>One request's cost: prompt and completion tokens as the backend counted them (null when it does not say) and seconds.</summary>
public sealed record RequestUsage(int? PromptTokens, int? CompletionTokens, double LatencySeconds);

/// <summary>
/// The requests of one task × model summed: how many the backend answered, their prompt and completion tokens, the mean
/// and the slowest latency, and completion tokens per second of the evaluation's wall-clock time.
/// </summary>
public sealed record UsageSummary(int Requests, long PromptTokens, long CompletionTokens, double MeanLatencySeconds, double MaxLatencySeconds,
    double CompletionTokensPerSecond)
{
    /// <summary>The summary of <paramref name="predictions"/> over <paramref name="seconds"/> of wall-clock time; null when no request was made.</summary>
    public static UsageSummary? Of(IEnumerable<PredictionLine> predictions, double seconds)
    {
        var used = predictions.Select(p => p.Usage).OfType<RequestUsage>().ToList();
        if (used.Count == 0) return null;
        var completion = used.Sum(u => (long)(u.CompletionTokens ?? 0));
        return new UsageSummary(used.Count, used.Sum(u => (long)(u.PromptTokens ?? 0)), completion,
            Math.Round(used.Average(u => u.LatencySeconds), 6), Math.Round(used.Max(u => u.LatencySeconds), 6),
            seconds > 0 ? Math.Round(completion / seconds, 3) : 0);
    }
}

/// <summary>Writes and reads predictions.jsonl with <see cref="PredictionLine"/> (source-generated, like results.json).</summary>
public static class PredictionsFile
{
    private static readonly PredictionsJsonContext Context = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    });

    /// <summary>The file's text: one JSON object per line.</summary>
    public static string Serialize(IEnumerable<PredictionLine> lines)
    {
        var sb = new StringBuilder();
        foreach (var line in lines) sb.Append(JsonSerializer.Serialize(line, Context.PredictionLine)).Append('\n');
        return sb.ToString();
    }

    /// <summary>Reads a predictions.jsonl file; errors name the file and line.</summary>
    /// <exception cref="InvalidDataException">a line that is not a prediction</exception>
    public static IReadOnlyList<PredictionLine> Read(string path)
    {
        var lines = new List<PredictionLine>();
        var number = 0;
        foreach (var text in File.ReadLines(path))
        {
            number++;
            if (text.Length == 0) continue;
            try
            {
                lines.Add(JsonSerializer.Deserialize(text, Context.PredictionLine) ?? throw new JsonException("null"));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}:{number}: not a prediction line ({e.Message}).", e);
            }
        }
        return lines;
    }
}

[JsonSerializable(typeof(PredictionLine))]
internal sealed partial class PredictionsJsonContext : JsonSerializerContext;
