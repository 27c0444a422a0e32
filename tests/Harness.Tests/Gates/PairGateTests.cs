using BioEval.Harness.Gates;
using BioEval.Harness.Metrics;
using BioEval.Harness.Registry;
using BioEval.Harness.Results;
using BioEval.Harness.Runs;
using BioEval.Harness.Statistics;

namespace BioEval.Harness.Tests.Gates;

/// <summary>Each gate mode, failing and passing, on crafted per-sample scores.</summary>
public sealed class PairGateTests
{
    private static TaskResult Result(string model, double[] scores, MetricDirection direction = MetricDirection.HigherIsBetter) =>
        new("T", 1, model, [new MetricValue("m", scores.Average(), direction, MetricInfo.Fraction, Headline: true)],
            scores.Length, scores.Length, "d", "sha", "pack", "test", 0,
            [.. scores.Select((v, i) => new PredictionLine("T", model, $"i{i}", $"s{i}", 0, "h", "", "", new Dictionary<string, double> { ["m"] = v }))]);

    /// <summary>Bio's 0/1 scores against base's: <paramref name="bioOnly"/> samples right for bio only, <paramref name="baseOnly"/> for base only, 20 right for both.</summary>
    private static IReadOnlyList<PairComparison> Compare(int bioOnly, int baseOnly)
    {
        double[] b = [.. Enumerable.Repeat(1.0, 20), .. Enumerable.Repeat(0.0, bioOnly), .. Enumerable.Repeat(1.0, baseOnly)];
        double[] o = [.. Enumerable.Repeat(1.0, 20), .. Enumerable.Repeat(1.0, bioOnly), .. Enumerable.Repeat(0.0, baseOnly)];
        return Comparisons.Compute([Result("base", b), Result("bio", o)], [new ModelPair("base", "bio")], new StatisticsOptions(Resamples: 2000));
    }

    private static GateDecision Gate(GateMode mode, IReadOnlyList<PairComparison> comparisons, double margin = 0.01, IReadOnlyList<ScoreDecline>? declines = null) =>
        PairGate.Evaluate(mode, margin, comparisons, declines ?? [], "artifacts/x/predictions.jsonl");

    [Fact]
    public void DeclineFailsWhenTheBiomedicalModelIsSignificantlyWorse()
    {
        var worse = Compare(bioOnly: 0, baseOnly: 12);
        Assert.Equal(VerdictOutcome.Worse, Assert.Single(worse).Verdict.Outcome);
        var decision = Gate(GateMode.Decline, worse);
        Assert.True(decision.Failed);
        var message = Assert.Single(decision.Problems);
        Assert.Contains("bio is significantly worse than base on T m", message);
        Assert.Contains("mcnemar p = 0.000488", message);
        Assert.Contains("artifacts/x/predictions.jsonl", message);
    }

    [Fact]
    public void DeclinePassesWhenTheDifferenceIsNotSignificantOrBetter()
    {
        Assert.False(Gate(GateMode.Decline, Compare(bioOnly: 0, baseOnly: 2)).Failed); // worse but p = 0.5
        Assert.False(Gate(GateMode.Decline, Compare(bioOnly: 12, baseOnly: 0)).Failed);
    }

    [Fact]
    public void NonInferiorityNeedsTheWholeIntervalAboveMinusTheMargin()
    {
        // Bio slightly worse on 2 of 32 samples: the interval reaches down to about −0.16.
        var slightlyWorse = Compare(bioOnly: 0, baseOnly: 2);
        Assert.True(Gate(GateMode.NonInferiority, slightlyWorse, margin: 0.05).Failed);
        Assert.False(Gate(GateMode.NonInferiority, slightlyWorse, margin: 0.5).Failed);
        Assert.False(Gate(GateMode.NonInferiority, Compare(bioOnly: 12, baseOnly: 0), margin: 0.01).Failed);
        Assert.Contains("not shown non-inferior", Gate(GateMode.NonInferiority, slightlyWorse, margin: 0.05).Problems[0]);
    }

    [Fact]
    public void NonInferiorityOfALowerIsBetterMetricReadsTheIntervalTheOtherWay()
    {
        double[] b = [.. Enumerable.Range(0, 30).Select(i => 0.2 + 0.001 * i)];
        double[] higher = [.. b.Select(v => v + 0.1)];
        var c = Comparisons.Compute([Result("base", b, MetricDirection.LowerIsBetter), Result("bio", higher, MetricDirection.LowerIsBetter)],
            [new ModelPair("base", "bio")], new StatisticsOptions(Resamples: 2000));
        Assert.Equal(-0.1, PairGate.ImprovementLowerBound(Assert.Single(c)), 9);
        Assert.True(Gate(GateMode.NonInferiority, c, margin: 0.05).Failed);
        Assert.False(Gate(GateMode.NonInferiority, c, margin: 0.2).Failed);
    }

    [Fact]
    public void RegressionFailsOnSnapshotDeclinesOnlyAndReportNeverFails()
    {
        var worse = Compare(bioOnly: 0, baseOnly: 12);
        ScoreDecline[] declines = [new("bio", "m", 0.9, 0.8)];
        Assert.True(Gate(GateMode.Regression, worse, declines: declines).Failed);
        Assert.False(Gate(GateMode.Regression, worse).Failed);
        Assert.False(Gate(GateMode.Report, worse, declines: declines).Failed);
    }
}
