using System.Text.Json.Serialization;
using BioEval.Harness.Datasets;

namespace BioEval.Harness.Metrics;

/// <summary>Whether a larger value of a metric is better.</summary>
public enum MetricDirection
{
    [JsonStringEnumMemberName("higher_is_better")] HigherIsBetter,
    [JsonStringEnumMemberName("lower_is_better")] LowerIsBetter,
}

/// <summary>A metric's output name, direction and unit, e.g. <c>rouge1</c>, higher is better, a fraction.</summary>
/// <param name="Name">The output's name.</param>
/// <param name="Direction">Whether larger is better.</param>
/// <param name="Unit">The scale of its values.</param>
/// <param name="Headline">Whether the base → biomedical comparison is judged on it (with statistics, adjusted for
/// multiple comparisons over the run's headline metrics): the metrics the study reports per task.</param>
/// <param name="PerSample">Whether the task score is the mean of per-sample values, so that paired statistics on
/// the per-sample values test it (false for micro averages over summed counts).</param>
/// <param name="Tolerance">How far the value may move between machines: 0 for exact counts and string metrics, the
/// float rounding of its kernels for a model-based metric (an encoder's embeddings differ across CPU instruction sets).
/// Score snapshots allow at least this much.</param>
public sealed record MetricInfo(
    string Name,
    MetricDirection Direction = MetricDirection.HigherIsBetter,
    string Unit = MetricInfo.Fraction,
    bool Headline = false,
    bool PerSample = true,
    double Tolerance = 0)
{
    /// <summary>Values from 0 to 1 (accuracies, F-measures, ratios); reports show them in percent.</summary>
    public const string Fraction = "fraction";
}

/// <summary>What a metric sees of one evaluated sample.</summary>
/// <param name="RawOutput">The model's output as generated.</param>
/// <param name="Parsed">The task parser's answer extracted from the output.</param>
/// <param name="Sample">The evaluated sample with its reference.</param>
public sealed record ScoringInput(string RawOutput, string Parsed, Sample Sample);

/// <summary>
/// A per-sample metric. The task's score for a model is <see cref="Aggregate"/> over the per-sample
/// values, which by default is the mean (the reference averages per-example scores).
/// </summary>
public interface ISampleMetric
{
    /// <summary>The values this metric reports for a task (what <see cref="Aggregate"/> returns).</summary>
    IReadOnlyList<MetricInfo> Outputs { get; }

    /// <summary>
    /// Scores one sample. Returns the per-sample value of each output it can, plus any auxiliary values
    /// its <see cref="Aggregate"/> needs (e.g. true-positive counts for micro averages).
    /// </summary>
    IReadOnlyDictionary<string, double> Score(ScoringInput input);

    /// <summary>Combines per-sample values into the task score (default: arithmetic mean).</summary>
    IReadOnlyDictionary<string, double> Aggregate(IReadOnlyList<IReadOnlyDictionary<string, double>> perSample)
        => MetricAggregation.Mean(Outputs, perSample);
}

/// <summary>Aggregation helpers shared by metrics.</summary>
public static class MetricAggregation
{
    /// <summary>Mean of each output over samples; an empty set aggregates to 0.</summary>
    public static IReadOnlyDictionary<string, double> Mean(
        IReadOnlyList<MetricInfo> outputs, IReadOnlyList<IReadOnlyDictionary<string, double>> perSample)
    {
        var result = new Dictionary<string, double>();
        foreach (var o in outputs)
            result[o.Name] = perSample.Count == 0 ? 0 : perSample.Average(s => s[o.Name]);
        return result;
    }
}
