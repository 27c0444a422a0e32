using BioEval.Harness.Gates;
using BioEval.Harness.Metrics;

namespace BioEval.Harness.Tests.Gates;

public sealed class ScoreSnapshotTests
{
    private static readonly MetricInfo[] Metrics = [new("acc"), new("loss", MetricDirection.LowerIsBetter)];

    [Fact]
    public void ADeclineBeyondToleranceIsReportedInEitherDirection()
    {
        var snapshot = new Dictionary<string, double> { ["acc"] = 0.8, ["loss"] = 1.0 };
        var actual = new Dictionary<string, double> { ["acc"] = 0.7, ["loss"] = 1.2 };
        var declines = ScoreSnapshot.Declines("m", snapshot, actual, Metrics, 0.01);
        Assert.Equal(["acc", "loss"], declines.Select(d => d.Metric));
    }

    [Fact]
    public void ImprovementsAndDeclinesWithinTolerancePass()
    {
        var snapshot = new Dictionary<string, double> { ["acc"] = 0.8, ["loss"] = 1.0 };
        var actual = new Dictionary<string, double> { ["acc"] = 0.795, ["loss"] = 0.5 };
        Assert.Empty(ScoreSnapshot.Declines("m", snapshot, actual, Metrics, 0.01));
    }

    [Fact]
    public void AcceptKeepsOtherModelsAndRoundTrips()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "t.json");
        var s = new ScoreSnapshot(path);
        s.Accept("b", new Dictionary<string, double> { ["acc"] = 0.5 });
        s.Accept("a", new Dictionary<string, double> { ["acc"] = 0.25 });
        Assert.Equal(0.5, s.Scores("b")!["acc"]);
        Assert.Equal(0.25, s.Scores("a")!["acc"]);
        Assert.Null(s.Scores("c"));
    }
}
