using BioEval.Harness.Metrics;
using BioEval.Harness.Registry;
using BioEval.Harness.Results;
using BioEval.Harness.Runs;
using BioEval.Harness.Statistics;

namespace BioEval.Harness.Tests.Statistics;

/// <summary>How a run's pairs are judged from per-sample scores.</summary>
public sealed class ComparisonsTests
{
    private static readonly StatisticsOptions Options = new(Resamples: 2000, Seed: 3);

    /// <summary>A task result whose predictions score <paramref name="scores"/>; sample ids by <paramref name="sampleOf"/>.</summary>
    private static TaskResult Result(string task, string model, double[] scores, MetricDirection direction = MetricDirection.HigherIsBetter,
        Func<int, string>? sampleOf = null, string metric = "m")
    {
        var predictions = scores.Select((v, i) => new PredictionLine(task, model, $"item{i}", sampleOf?.Invoke(i) ?? $"s{i}", 0, "h", "", "",
            new Dictionary<string, double> { [metric] = v, ["helper_count"] = 7 })).ToList();
        return new TaskResult(task, 1, model, [new MetricValue(metric, scores.Average(), direction, MetricInfo.Fraction, Headline: true)],
            scores.Length, scores.Length, "d", "sha", "pack", "test", 0, predictions);
    }

    private static double[] Repeat(double value, int n) => [.. Enumerable.Repeat(value, n)];

    [Fact]
    public void ZeroOneScoresOfIndependentSamplesAreJudgedByMcNemar()
    {
        // 12 samples right for bio only, none for base only: p = 2 / 2^12.
        var c = Assert.Single(Comparisons.Compute([Result("T", "b", [.. Repeat(0, 12), 1, 1]), Result("T", "o", Repeat(1, 14))], [new ModelPair("b", "o")], Options));
        Assert.Equal("mcnemar", c.Verdict.Test);
        Assert.Equal(2.0 / 4096, c.Verdict.PValue, 12);
        Assert.Equal(VerdictOutcome.Better, c.Verdict.Outcome);
        Assert.Equal((14, 14), (c.Samples, c.Clusters));
        Assert.Equal(12.0 / 14, c.Verdict.Delta, 12);
        Assert.Equal((2.0 / 14, 1.0), (c.BaseMean, c.BioMean));
        Assert.Contains("biomedical model better", c.Verdict.Reason);
    }

    [Fact]
    public void ForALowerIsBetterMetricAHigherBioScoreIsWorse()
    {
        double[] baseScores = [.. Enumerable.Range(0, 30).Select(i => 0.1 + i * 0.001)];
        double[] bioScores = [.. baseScores.Select(v => v + 0.2)];
        var c = Assert.Single(Comparisons.Compute(
            [Result("T", "b", baseScores, MetricDirection.LowerIsBetter), Result("T", "o", bioScores, MetricDirection.LowerIsBetter)],
            [new ModelPair("b", "o")], Options));
        Assert.Equal("sign_flip", c.Verdict.Test);
        Assert.True(c.Verdict.Delta > 0);
        Assert.Equal(VerdictOutcome.Worse, c.Verdict.Outcome);
    }

    [Fact]
    public void EqualScoresAreNoSignificantDifference()
    {
        var c = Assert.Single(Comparisons.Compute([Result("T", "b", Repeat(0.5, 25)), Result("T", "o", Repeat(0.5, 25))], [new ModelPair("b", "o")], Options));
        Assert.Equal(1.0, c.Verdict.PValue);
        Assert.Equal(VerdictOutcome.NoSignificantDifference, c.Verdict.Outcome);
    }

    [Fact]
    public void PromptsOfOneQuestionAreOneUnit()
    {
        // 5 questions × 6 prompts: 30 samples but 5 independent units; with 5 units the smallest two-sided sign-flip
        // p-value is 2/32, which no adjustment brings below 0.05.
        string Question(int i) => $"q{i / 6}";
        var c = Assert.Single(Comparisons.Compute([Result("T", "b", Repeat(0, 30), sampleOf: Question), Result("T", "o", Repeat(1, 30), sampleOf: Question)],
            [new ModelPair("b", "o")], Options));
        Assert.Equal("cluster_sign_flip", c.Verdict.Test);
        Assert.Equal((30, 5), (c.Samples, c.Clusters));
        Assert.Equal(2.0 / 32, c.Verdict.PValue, 12);
        Assert.Equal(VerdictOutcome.NoSignificantDifference, c.Verdict.Outcome);
    }

    [Fact]
    public void TheRunsComparisonsAreAdjustedTogether()
    {
        // Two tasks, each with p = 2/64 = 0.03125 alone (6 samples, all right for bio only). Holm doubles the smaller:
        // 0.0625, above 0.05; Benjamini-Hochberg keeps 0.03125.
        TaskResult[] results = [Result("A", "b", Repeat(0, 6)), Result("A", "o", Repeat(1, 6)), Result("B", "b", Repeat(0, 6)), Result("B", "o", Repeat(1, 6))];
        var holm = Comparisons.Compute(results, [new ModelPair("b", "o")], Options);
        Assert.All(holm, c =>
        {
            Assert.Equal(0.03125, c.Verdict.PValue, 12);
            Assert.Equal(0.0625, c.Verdict.AdjustedPValue, 12);
            Assert.Equal(VerdictOutcome.NoSignificantDifference, c.Verdict.Outcome);
        });
        var bh = Comparisons.Compute(results, [new ModelPair("b", "o")], Options with { Adjustment = Adjustment.BenjaminiHochberg });
        Assert.All(bh, c =>
        {
            Assert.Equal(0.03125, c.Verdict.AdjustedPValue, 12);
            Assert.Equal((VerdictOutcome.Better, "bh"), (c.Verdict.Outcome, c.Verdict.Adjustment));
        });
    }

    [Fact]
    public void OnlyHeadlineMetricsOfPairsWithBothModelsAreJudged()
    {
        var notHeadline = Result("T", "b", Repeat(0, 6)) with { Metrics = [new MetricValue("m", 0, MetricDirection.HigherIsBetter, MetricInfo.Fraction)] };
        Assert.Empty(Comparisons.Compute([notHeadline, Result("T", "o", Repeat(1, 6))], [new ModelPair("b", "o")], Options));
        Assert.Empty(Comparisons.Compute([Result("T", "b", Repeat(0, 6))], [new ModelPair("b", "o")], Options));
    }
}
