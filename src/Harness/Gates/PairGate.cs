using System.Globalization;
using BioEval.Harness.Metrics;
using BioEval.Harness.Results;

namespace BioEval.Harness.Gates;

/// <summary>What makes a benchmark case (a task and a pair) fail.</summary>
public enum GateMode
{
    /// <summary>Never fails on results; the run still reports every verdict.</summary>
    Report,

    /// <summary>Fails when the biomedical model is significantly worse than its base on a headline metric (the verdict).</summary>
    Decline,

    /// <summary>Fails unless the interval's lower bound of the improvement is above −margin on every headline metric.</summary>
    NonInferiority,

    /// <summary>Fails when a score falls below its committed snapshot by more than the tolerance.</summary>
    Regression,
}

/// <summary>A gate's decision on one case, with a message per failing metric.</summary>
public sealed record GateDecision(bool Failed, IReadOnlyList<string> Problems);

/// <summary>
/// The gates of <c>dotnet test</c>. Decline and non-inferiority read only the comparisons' <see cref="Verdict"/>
/// (nothing else decides); regression reads the snapshot declines. Pure: the case supplies what the gate needs.
/// </summary>
public static class PairGate
{
    /// <param name="mode">The gate.</param>
    /// <param name="margin">Non-inferiority margin, in the metric's unit (0.01 = one point of a fraction).</param>
    /// <param name="comparisons">The case's comparisons (its task and pair).</param>
    /// <param name="snapshotDeclines">Snapshot declines of the pair's two models (regression).</param>
    /// <param name="perSampleFile">Where the per-sample scores are written, named in failure messages.</param>
    public static GateDecision Evaluate(GateMode mode, double margin, IReadOnlyList<PairComparison> comparisons,
        IReadOnlyList<ScoreDecline> snapshotDeclines, string perSampleFile)
    {
        var problems = mode switch
        {
            GateMode.Report => [],
            GateMode.Regression => [.. snapshotDeclines.Select(d => d.ToString())],
            GateMode.Decline => comparisons.Where(c => c.Verdict.Outcome == VerdictOutcome.Worse).Select(c => Describe(c, "significantly worse", perSampleFile)).ToList(),
            GateMode.NonInferiority => comparisons.Where(c => ImprovementLowerBound(c) <= -margin)
                .Select(c => Describe(c, string.Create(CultureInfo.InvariantCulture, $"not shown non-inferior (the interval's lower bound of the improvement, {ImprovementLowerBound(c):+0.0000;-0.0000}, is not above −{margin:G3})"), perSampleFile)).ToList(),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
        };
        return new GateDecision(problems.Count > 0, problems);
    }

    /// <summary>The interval's lower bound of bio's improvement over base, in the metric's direction.</summary>
    public static double ImprovementLowerBound(PairComparison c) =>
        c.Direction == MetricDirection.HigherIsBetter ? c.Verdict.CiLow : -c.Verdict.CiHigh;

    private static string Describe(PairComparison c, string what, string perSampleFile)
    {
        var v = c.Verdict;
        return string.Create(CultureInfo.InvariantCulture,
            $"{c.Bio} is {what} than {c.Base} on {c.Label} {c.Metric}: base {c.BaseMean:0.0000}, bio {c.BioMean:0.0000}, Δ {v.Delta:+0.0000;-0.0000;0.0000} (CI {v.CiLow:+0.0000;-0.0000;0.0000} to {v.CiHigh:+0.0000;-0.0000;0.0000}), {v.Test} p = {v.PValue:G3}, {v.Adjustment}-adjusted {v.AdjustedPValue:G3}; per-sample scores: {perSampleFile}");
    }
}
