using BioEval.Harness.Results;
using BioEval.Harness.Tasks;

namespace BioEval.Harness.Runs;

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
    IReadOnlyList<PredictionLine> Predictions)
{
    /// <summary>The metrics' values by name (direction and unit are in <see cref="Metrics"/>).</summary>
    public IReadOnlyDictionary<string, double> Scores { get; } = Metrics.ToDictionary(m => m.Name, m => m.Value);

    /// <summary>The chats sent, by item id (written to prompts.jsonl, never into shared snapshots).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<ChatTurn>> Chats { get; init; } = new Dictionary<string, IReadOnlyList<ChatTurn>>();

    /// <summary>The token budgets the task's prompts were packed to for this model (LongHealth), or null.</summary>
    public IReadOnlyDictionary<string, int>? PromptBudgets { get; init; }

    /// <summary>For a coding task, the per-chapter counts of the predicted codes (<see cref="Metrics.IcdChapters"/>); else null.</summary>
    public IReadOnlyList<Metrics.IcdChapterCount>? IcdChapters { get; init; }

    /// <summary>The models and lexicons behind the model-based metrics' values (encoder name, layer, file hashes); else null.</summary>
    public IReadOnlyList<Metrics.MetricModel>? MetricModels { get; init; }

    /// <summary>How the answers were obtained: generated, or chosen by likelihood.</summary>
    public ScoringMode Scoring { get; init; } = ScoringMode.Generate;

    /// <summary>The task as reports name it in its mode.</summary>
    public string Label => BioEval.Harness.Tasks.ScoringModes.Label(Task, Scoring);

    /// <summary>Prompts the backend refused (scored as empty answers); see each prediction's error.</summary>
    public int RejectedPrompts => Predictions.Count(p => p.Error is not null);
}
