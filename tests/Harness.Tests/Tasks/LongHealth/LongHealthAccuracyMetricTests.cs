using BioEval.Harness.Datasets;
using BioEval.Harness.Metrics;
using BioEval.Harness.Tasks.LongHealth;

namespace BioEval.Harness.Tests.Tasks.LongHealth;

public sealed class LongHealthAccuracyMetricTests
{
    private static readonly LongHealthAccuracyMetric Metric = LongHealthAccuracyMetric.Instance;

    private static ScoringInput Input(string subtask, string expected, string parsed) =>
        new("raw", parsed, new Sample("p/1", new Dictionary<string, string> { ["subtask"] = subtask }, expected));

    [Theory]
    [InlineData("task1", "B", "B", "task1_accuracy", 1.0)]
    [InlineData("task1", "B", "C", "task1_accuracy", 0.0)]
    [InlineData("task2", "B", "", "task2_accuracy", 0.0)]
    [InlineData("task3", "F", "F", "task3_accuracy", 1.0)]
    [InlineData("task3", "F", "f", "task3_accuracy", 0.0)]
    [InlineData("task2", "", "", "task2_accuracy", 0.0)]   // no gold letter: an empty parse is still wrong
    public void ScoresOnlyTheSamplesOwnSubtask(string subtask, string expected, string parsed, string key, double value)
    {
        var score = Metric.Score(Input(subtask, expected, parsed));
        Assert.Equal(key, Assert.Single(score).Key);
        Assert.Equal(value, score[key]);
    }

    [Fact]
    public void AggregatesEachSubtaskOverItsOwnSamples()
    {
        var perSample = new[]
        {
            Input("task1", "A", "A"), Input("task1", "A", "B"), Input("task1", "C", "C"), Input("task1", "D", ""),
            Input("task3", "F", "F"), Input("task3", "F", "A"),
        }.Select(Metric.Score).ToList();
        var result = Metric.Aggregate(perSample);
        Assert.Equal(0.5, result["task1_accuracy"]);   // 2 of 4
        Assert.Equal(0.0, result["task2_accuracy"]);   // none scored
        Assert.Equal(0.5, result["task3_accuracy"]);   // 1 of 2
        Assert.Equal(new[] { "task1_accuracy", "task2_accuracy", "task3_accuracy" }, Metric.Outputs.Select(o => o.Name));
    }

    [Fact]
    public void AnUnknownSubtaskIsRejectedNamingTheSample()
    {
        var e = Assert.Throws<ArgumentException>(() => Metric.Score(Input("task4", "A", "A")));
        Assert.Contains("'p/1'", e.Message);
    }
}
