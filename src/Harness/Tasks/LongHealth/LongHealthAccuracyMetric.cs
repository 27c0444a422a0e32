using BioEval.Harness.Metrics;

namespace BioEval.Harness.Tasks.LongHealth;

/// <summary>
/// LongHealth's three accuracies. Each prompt belongs to one subtask (<c>Fields["subtask"]</c> set by
/// <see cref="LongHealthPromptBuilder"/>): it scores 1 when the parsed letter is non-empty and equals the expected
/// letter, else 0, under its own subtask's output only. The aggregate of an output is the mean over the prompts of
/// that subtask (0 when there are none). Values are fractions; the reference reports the same ratios × 100.
/// </summary>
public sealed class LongHealthAccuracyMetric : ISampleMetric
{
    public static readonly LongHealthAccuracyMetric Instance = new();

    /// <summary>The field naming a prompt's subtask, "task1", "task2" or "task3".</summary>
    public const string SubtaskField = "subtask";

    private static readonly IReadOnlyDictionary<string, string> OutputBySubtask = new Dictionary<string, string>
    {
        ["task1"] = "task1_accuracy",
        ["task2"] = "task2_accuracy",
        ["task3"] = "task3_accuracy",
    };

    public IReadOnlyList<MetricInfo> Outputs { get; } =
        [new("task1_accuracy", Headline: true), new("task2_accuracy", Headline: true), new("task3_accuracy", Headline: true)];

    public IReadOnlyDictionary<string, double> Score(ScoringInput input)
    {
        var subtask = input.Sample.Field(SubtaskField);
        if (!OutputBySubtask.TryGetValue(subtask, out var output))
            throw new ArgumentException($"Sample '{input.Sample.Id}' has subtask '{subtask}', expected task1, task2 or task3.", nameof(input));
        var correct = input.Parsed.Length > 0 && input.Parsed == input.Sample.Reference;
        return new Dictionary<string, double> { [output] = correct ? 1 : 0 };
    }

    public IReadOnlyDictionary<string, double> Aggregate(IReadOnlyList<IReadOnlyDictionary<string, double>> perSample)
    {
        var result = new Dictionary<string, double>();
        foreach (var o in Outputs)
        {
            var values = perSample.Where(s => s.ContainsKey(o.Name)).Select(s => s[o.Name]).ToList();
            result[o.Name] = values.Count == 0 ? 0 : values.Average();
        }
        return result;
    }
}
