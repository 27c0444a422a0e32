using BioEval.Harness.Metrics;
using BioEval.Harness.Results;
using BioEval.Harness.Runs;
using BioEval.Harness.Statistics;
using BioEval.Harness.Tests.Reporting;

namespace BioEval.Harness.Tests.Statistics;

/// <summary>A sampling run reports each metric's per-repeat mean and the sample standard deviation across repeats.</summary>
public sealed class RepeatSpreadsTests
{
    [Fact]
    public void EachRepeatIsAveragedAndTheirSpreadIsTheSampleStandardDeviation()
    {
        var r = ReportDocuments.MedNli("m", 10, repeats: 3);
        var spread = Assert.Single(RepeatSpreads.Of(r.Metrics, r.Predictions));
        Assert.Equal("accuracy", spread.Metric);
        Assert.Equal([0.50, 0.55, 0.60], spread.Means, (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal(0.05, spread.StandardDeviation, 12); // sqrt((0.05² + 0 + 0.05²) / 2)
    }

    [Fact]
    public void OneRepeatHasNoSpread()
    {
        var r = ReportDocuments.MedNli("m", 10);
        Assert.Empty(RepeatSpreads.Of(r.Metrics, r.Predictions));
    }

    [Fact]
    public void AMetricWithoutPerSampleScoresInEveryRepeatHasNoSpread()
    {
        var r = ReportDocuments.MedNli("m", 10, repeats: 2);
        MetricValue micro = new("ner_micro_f1", 0.5, MetricDirection.HigherIsBetter, MetricInfo.Fraction);
        Assert.Equal(["accuracy"], RepeatSpreads.Of([.. r.Metrics, micro], r.Predictions).Select(s => s.Metric));
    }

    [Fact]
    public void TheSpreadTravelsInResultsJson()
    {
        var doc = RunStore.Results(RunProfile.Load("embedded"), new Registry.ModelRegistry([], []), [ReportDocuments.MedNli("m", 10, repeats: 3)], DateTimeOffset.UnixEpoch);
        var read = ResultsFile.Parse(ResultsFile.Serialize(doc), "results.json");
        Assert.Equal([0.50, 0.55, 0.60], read.Results[0].RepeatSpread![0].Means, (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Null(ResultsFile.Parse(ResultsFile.Serialize(RunStore.Results(RunProfile.Load("embedded"), new Registry.ModelRegistry([], []),
            [ReportDocuments.MedNli("m", 10)], DateTimeOffset.UnixEpoch)), "results.json").Results[0].RepeatSpread);
    }
}
