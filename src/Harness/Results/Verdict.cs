using System.Text.Json.Serialization;
using BioEval.Harness.Metrics;

namespace BioEval.Harness.Results;

/// <summary>What a comparison concluded about the biomedical model against its base.</summary>
public enum VerdictOutcome
{
    [JsonStringEnumMemberName("better")] Better,
    [JsonStringEnumMemberName("worse")] Worse,
    [JsonStringEnumMemberName("no_significant_difference")] NoSignificantDifference,
}

/// <summary>
/// The one judgement of a base → biomedical comparison that gates, the logger and reports read; nothing else decides.
/// Better or worse only when the adjusted p-value is below alpha, in the metric's direction; otherwise (ties
/// included) no significant difference.
/// </summary>
/// <param name="Outcome">Better, worse, or no significant difference.</param>
/// <param name="Delta">Mean of bio − base over the paired samples (not direction-corrected).</param>
/// <param name="CiLow">Lower bound of the bootstrap interval of <paramref name="Delta"/>.</param>
/// <param name="CiHigh">Upper bound.</param>
/// <param name="PValue">The test's two-sided p-value.</param>
/// <param name="AdjustedPValue">After the run's multiple-comparison adjustment.</param>
/// <param name="Test"><c>mcnemar</c>, <c>sign_flip</c>, or <c>cluster_sign_flip</c> (whole clusters flipped).</param>
/// <param name="Adjustment"><c>holm</c> or <c>bh</c>.</param>
/// <param name="Alpha">The significance level.</param>
/// <param name="Reason">The verdict in one sentence, with its figures.</param>
public sealed record Verdict(
    VerdictOutcome Outcome,
    double Delta,
    double CiLow,
    double CiHigh,
    double PValue,
    double AdjustedPValue,
    string Test,
    string Adjustment,
    double Alpha,
    string Reason);

/// <summary>
/// One base → biomedical comparison on one headline metric of one task, as results.json holds it: the pair, the metric,
/// the samples compared and their means, then the verdict's fields flat beside them (<c>verdict</c> is the outcome,
/// with <c>delta</c>, <c>ci_low</c>, <c>ci_high</c>, <c>p_value</c>, ...), so a reader finds each pair's p-value and
/// interval without descending. Code reads them as one <see cref="Verdict"/>.
/// </summary>
/// <param name="Task">The task.</param>
/// <param name="Base">The base model.</param>
/// <param name="Bio">The biomedical model.</param>
/// <param name="Metric">The headline metric compared.</param>
/// <param name="Direction">Whether larger is better for it.</param>
/// <param name="Samples">Paired per-sample scores compared (prompts × repeats).</param>
/// <param name="Clusters">Independent units the statistics resample: questions for LongHealth, items for repeats, else samples.</param>
/// <param name="BaseMean">Mean of the base's per-sample scores over the compared samples.</param>
/// <param name="BioMean">The same for the biomedical model.</param>
/// <param name="Outcome">The verdict (JSON <c>verdict</c>): better, worse or no significant difference.</param>
/// <param name="Delta">Mean of bio − base over the paired samples (not direction-corrected).</param>
/// <param name="CiLow">Lower bound of the bootstrap interval of <paramref name="Delta"/>.</param>
/// <param name="CiHigh">Upper bound.</param>
/// <param name="PValue">The test's two-sided p-value.</param>
/// <param name="AdjustedPValue">After the run's multiple-comparison adjustment.</param>
/// <param name="Test"><c>mcnemar</c>, <c>sign_flip</c>, or <c>cluster_sign_flip</c>.</param>
/// <param name="Adjustment"><c>holm</c> or <c>bh</c>.</param>
/// <param name="Alpha">The significance level.</param>
/// <param name="Reason">The verdict in one sentence, with its figures.</param>
/// <param name="Scoring">How the task's answers were obtained: generated, or chosen by likelihood (multiple-choice
/// tasks may be judged both ways, each a comparison of its own).</param>
public sealed record PairComparison(
    string Task,
    string Base,
    string Bio,
    string Metric,
    [property: JsonConverter(typeof(JsonStringEnumConverter<MetricDirection>))] MetricDirection Direction,
    int Samples,
    int Clusters,
    double BaseMean,
    double BioMean,
    [property: JsonPropertyName("verdict"), JsonConverter(typeof(JsonStringEnumConverter<VerdictOutcome>))] VerdictOutcome Outcome,
    double Delta,
    double CiLow,
    double CiHigh,
    double PValue,
    double AdjustedPValue,
    string Test,
    string Adjustment,
    double Alpha,
    string Reason,
    [property: JsonConverter(typeof(JsonStringEnumConverter<Tasks.ScoringMode>))] Tasks.ScoringMode Scoring = Tasks.ScoringMode.Generate)
{
    /// <summary>A comparison and its verdict.</summary>
    public static PairComparison Of(string task, string @base, string bio, string metric, MetricDirection direction, int samples, int clusters,
        double baseMean, double bioMean, Verdict verdict, Tasks.ScoringMode scoring = Tasks.ScoringMode.Generate) =>
        new(task, @base, bio, metric, direction, samples, clusters, baseMean, bioMean, verdict.Outcome, verdict.Delta, verdict.CiLow,
            verdict.CiHigh, verdict.PValue, verdict.AdjustedPValue, verdict.Test, verdict.Adjustment, verdict.Alpha, verdict.Reason, scoring);

    /// <summary>The task as reports name it in its mode ("PubMedQA (likelihood)").</summary>
    [JsonIgnore]
    public string Label => Tasks.ScoringModes.Label(Task, Scoring);

    /// <summary>The judgement, as gates, the logger and the reports read it.</summary>
    [JsonIgnore]
    public Verdict Verdict => new(Outcome, Delta, CiLow, CiHigh, PValue, AdjustedPValue, Test, Adjustment, Alpha, Reason);
}
