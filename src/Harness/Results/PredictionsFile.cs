using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BioEval.Harness.Results;

/// <summary>
/// One line of predictions.jsonl: one evaluated prompt of one model, in evaluation order, with its per-sample scores
/// (by metric name, as in results.json). <paramref name="SampleId"/> is the dataset sample the prompt belongs to: the
/// unit the statistics resample (LongHealth's prompts of one question share it).
/// </summary>
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
    string? Error);

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
