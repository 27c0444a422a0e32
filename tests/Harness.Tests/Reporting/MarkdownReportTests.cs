using BioEval.Harness.Metrics;
using BioEval.Harness.Registry;
using BioEval.Harness.Reporting;
using BioEval.Harness.Results;
using BioEval.Harness.Runs;

namespace BioEval.Harness.Tests.Reporting;

public sealed class MarkdownReportTests
{
    private static TaskResult Result(string model, double accuracy, double error) => new(
        "T", 1, model,
        [new MetricValue("accuracy", accuracy, MetricDirection.HigherIsBetter, MetricInfo.Fraction),
         new MetricValue("error_rate", error, MetricDirection.LowerIsBetter, MetricInfo.Fraction)],
        Samples: 4, Prompts: 4, "t.jsonl", new string('a', 64), new string('b', 64), "test", 0.1, []);

    [Fact]
    public void TheBetterSideFollowsEachMetricsDirection()
    {
        // Bio has the higher accuracy and the higher error rate: better on the first, worse on the second.
        var report = MarkdownReport.Render(RunStore.Results(RunProfile.Load("embedded"), new ModelRegistry([], [new ModelPair("b", "o")]),
            [Result("b", 0.50, 0.10), Result("o", 0.75, 0.20)], DateTimeOffset.UnixEpoch));
        Assert.Contains("| b → o | accuracy | 50.00 | 75.00 | +25.00 | bio |", report);
        Assert.Contains("| b → o | error_rate | 10.00 | 20.00 | +10.00 | base |", report);
    }
}
