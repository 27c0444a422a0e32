using BioEval.Harness.Results;

namespace BioEval.Harness.Runs;

/// <summary>One evaluated prompt: what was sent (by hash), what came back, how it scored.</summary>
/// <param name="Id">The evaluation item id (extends the sample id where a sample gives several prompts).</param>
/// <param name="SampleId">The dataset sample's stable id.</param>
/// <param name="Repeat">Repeat index when sampling several times per prompt (0 otherwise).</param>
/// <param name="PromptHash">SHA-256 of the exact chat sent; the chat itself is in prompts.jsonl.</param>
/// <param name="RawOutput">The model output as generated.</param>
/// <param name="Parsed">The parsed answer the metrics scored.</param>
/// <param name="Scores">Per-sample metric values.</param>
/// <param name="Error">Why the backend gave no output (e.g. the prompt exceeds the context); null when it answered.</param>
public sealed record PredictionRecord(
    string Id,
    string SampleId,
    int Repeat,
    string PromptHash,
    string RawOutput,
    string Parsed,
    IReadOnlyDictionary<string, double> Scores,
    string? Error = null);

/// <summary>The score of one model on one task, with everything needed to tell whether two results are comparable.</summary>
public sealed record TaskResult(
    string Task,
    int TaskVersion,
    string Model,
    IReadOnlyList<MetricValue> Metrics,
    int Samples,
    int Prompts,
    string DatasetFile,
    string DatasetSha256,
    string PromptPackSha256,
    string Backend,
    double Seconds,
    IReadOnlyList<PredictionRecord> Predictions)
{
    /// <summary>The metrics' values by name (direction and unit are in <see cref="Metrics"/>).</summary>
    public IReadOnlyDictionary<string, double> Scores { get; } = Metrics.ToDictionary(m => m.Name, m => m.Value);

    /// <summary>The chats sent, by item id (written to prompts.jsonl, never into shared snapshots).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<ChatTurn>> Chats { get; init; } = new Dictionary<string, IReadOnlyList<ChatTurn>>();

    /// <summary>The token budgets the task's prompts were packed to for this model (LongHealth), or null.</summary>
    public IReadOnlyDictionary<string, int>? PromptBudgets { get; init; }

    /// <summary>Prompts the backend refused (scored as empty answers); see each prediction's error.</summary>
    public int RejectedPrompts => Predictions.Count(p => p.Error is not null);
}
