using BioEval.Harness.Gates;
using BioEval.Harness.Runs;
using BioEval.Harness.Statistics;

namespace BioEval.Harness.Tests.Runs;

public sealed class RunProfileTests
{
    [Fact]
    public void EmbeddedProfileRunsFixturesGreedilyAndRequiresSnapshots()
    {
        var p = RunProfile.Load("embedded");
        Assert.Equal("embedded", p.Name);
        Assert.EndsWith(Path.Combine("fixtures", "datasets"), p.DataDir);
        Assert.True(p.Decoding.IsGreedy);
        Assert.True(p.RequireSnapshots);
        Assert.Null(p.Limit);
    }

    [Fact]
    public void OverridesWinOverTheFile()
    {
        var p = RunProfile.Load("embedded", new Dictionary<string, string?> { ["BIOEVAL_LIMIT"] = "4", ["BIOEVAL_TASKS"] = "MedNLI, MeQSum" });
        Assert.Equal(4, p.Limit);
        Assert.Equal(["MedNLI", "MeQSum"], p.Tasks);
    }

    [Fact]
    public void UnknownProfileListsTheKnownOnes()
    {
        var e = Assert.Throws<FileNotFoundException>(() => RunProfile.Load("nope"));
        Assert.Contains("embedded", e.Message);
        Assert.Contains("smoke", e.Message);
    }

    [Theory]
    [InlineData("BIOEVAL_LIMIT", "many", "integer")]
    [InlineData("BIOEVAL_LIMIT", "0", "at least 1")]
    [InlineData("BIOEVAL_TEMPERATURE", "-1", "Temperature")]
    [InlineData("BIOEVAL_REQUIRE_SNAPSHOTS", "yes", "true or false")]
    [InlineData("BIOEVAL_SEED", "1e3", "BIOEVAL_SEED must be an integer")]
    [InlineData("BIOEVAL_DOCUMENT_SEED", "0x10", "BIOEVAL_DOCUMENT_SEED must be an integer")]
    [InlineData("BIOEVAL_ADJUSTMENT", "bonferroni", "holm or bh")]
    [InlineData("BIOEVAL_GATE", "strict", "report, decline, noninferiority or regression")]
    [InlineData("BIOEVAL_MARGIN", "-0.1", "non-negative")]
    [InlineData("BIOEVAL_ALPHA", "1.5", "Alpha must be in (0, 1)")]
    [InlineData("BIOEVAL_RESAMPLES", "0", "Resamples must be at least 1")]
    public void BadValuesAreNamedInTheError(string key, string value, string expected)
    {
        var e = Assert.ThrowsAny<Exception>(() => RunProfile.Load("embedded", new Dictionary<string, string?> { [key] = value }));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void SeedsAreIntegersOfAnySizeAsPythonTakesThem()
    {
        var p = RunProfile.Load("embedded", new Dictionary<string, string?>
        {
            ["BIOEVAL_SEED"] = "-123456789012345678901234567890",
            ["BIOEVAL_DOCUMENT_SEED"] = "12345678901234567890",
            ["BIOEVAL_TEMPERATURE"] = "1",
        });
        Assert.Equal(System.Numerics.BigInteger.Parse("-123456789012345678901234567890"), p.Decoding.Seed);
        Assert.Equal(System.Numerics.BigInteger.Parse("12345678901234567890"), p.Protocol.DocumentSeed);
    }

    [Fact]
    public void TheStatisticsAreConfiguredByVariables()
    {
        Assert.Equal(StatisticsOptions.Default, RunProfile.Load("embedded").Statistics);
        var p = RunProfile.Load("embedded", new Dictionary<string, string?>
        {
            ["BIOEVAL_ALPHA"] = "0.01", ["BIOEVAL_ADJUSTMENT"] = "bh", ["BIOEVAL_RESAMPLES"] = "500", ["BIOEVAL_STATS_SEED"] = "18446744073709551621",
        });
        Assert.Equal(new StatisticsOptions(500, 5, 0.01, Adjustment.BenjaminiHochberg), p.Statistics);
        Assert.Equal((GateMode.Regression, 0.01), (p.Gate, p.Margin));
        var gated = RunProfile.Load("embedded", new Dictionary<string, string?> { ["BIOEVAL_GATE"] = "noninferiority", ["BIOEVAL_MARGIN"] = "0.03" });
        Assert.Equal((GateMode.NonInferiority, 0.03), (gated.Gate, gated.Margin));
    }

    [Fact]
    public void PerTaskDatasetOverrideWinsOverTheDataFolder()
    {
        var p = RunProfile.Load("embedded", new Dictionary<string, string?> { ["BIOEVAL_DATA_MEDNLI"] = "/data/mednli.jsonl" });
        Assert.Equal("/data/mednli.jsonl", p.DatasetPath("MedNLI", "mli_test_v1.jsonl"));
        Assert.Equal(Path.Combine(p.DataDir, "MeQSum", "x.xlsx"), p.DatasetPath("MeQSum", "x.xlsx"));
    }

    [Fact]
    public void UnsetVariableInAPathIsAnErrorNamingIt()
    {
        var e = Assert.Throws<InvalidDataException>(() => RunProfile.Load("embedded", new Dictionary<string, string?> { ["BIOEVAL_DATA"] = "${BIOEVAL_SURELY_UNSET_VARIABLE}/x" }));
        Assert.Contains("BIOEVAL_SURELY_UNSET_VARIABLE", e.Message);
    }
}
