using BioEval.Harness.Tasks;
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
    [InlineData("BIOEVAL_LIMIT", "many", "BIOEVAL_LIMIT: must be an integer, got 'many'.")]
    [InlineData("BIOEVAL_LIMIT", "0", "BIOEVAL_LIMIT: must be at least 1, got 0.")]
    [InlineData("BIOEVAL_TEMPERATURE", "-1", "BIOEVAL_TEMPERATURE: must be at least 0, got -1.")]
    [InlineData("BIOEVAL_TEMPERATURE", "nan", "BIOEVAL_TEMPERATURE: must be a finite number, got 'nan'.")]
    [InlineData("BIOEVAL_TEMPERATURE", "Infinity", "BIOEVAL_TEMPERATURE: must be a finite number, got 'Infinity'.")]
    [InlineData("BIOEVAL_TOP_P", "0", "BIOEVAL_TOP_P: must be in (0, 1], got 0.")]
    [InlineData("BIOEVAL_TOLERANCE", "-1e-3", "BIOEVAL_TOLERANCE: must be at least 0, got -1e-3.")]
    [InlineData("BIOEVAL_CONCURRENCY", "0", "BIOEVAL_CONCURRENCY: must be at least 1, got 0.")]
    [InlineData("BIOEVAL_NER_SHOTS", "-1", "BIOEVAL_NER_SHOTS: must be at least 0, got -1.")]
    [InlineData("BIOEVAL_REPEATS", "3", "BIOEVAL_REPEATS: 3 repeats need sampling")]
    [InlineData("BIOEVAL_REQUIRE_SNAPSHOTS", "yes", "BIOEVAL_REQUIRE_SNAPSHOTS: must be true or false, got 'yes'.")]
    [InlineData("BIOEVAL_SEED", "1e3", "BIOEVAL_SEED: must be an integer, got '1e3'.")]
    [InlineData("BIOEVAL_DOCUMENT_SEED", "0x10", "BIOEVAL_DOCUMENT_SEED: must be an integer")]
    [InlineData("BIOEVAL_ADJUSTMENT", "bonferroni", "BIOEVAL_ADJUSTMENT: must be holm or bh, got 'bonferroni'.")]
    [InlineData("BIOEVAL_SCORING", "likelyhood", "BIOEVAL_SCORING: must be generate, likelihood or both, got 'likelyhood' (did you mean likelihood?).")]
    [InlineData("BIOEVAL_GATE", "declines", "BIOEVAL_GATE: must be report, decline, noninferiority or regression, got 'declines' (did you mean decline?).")]
    [InlineData("BIOEVAL_MARGIN", "-0.1", "BIOEVAL_MARGIN: must be at least 0, got -0.1.")]
    [InlineData("BIOEVAL_ALPHA", "1.5", "BIOEVAL_ALPHA: must be in (0, 1), got 1.5.")]
    [InlineData("BIOEVAL_RESAMPLES", "0", "BIOEVAL_RESAMPLES: must be at least 1, got 0.")]
    [InlineData("BIOEVAL_TASKS", "MedNLI,MeQSun", "BIOEVAL_TASKS: unknown task 'MeQSun' (did you mean MeQSum?).")]
    [InlineData("BIOEVAL_LIMT", "3", "BIOEVAL_LIMT: unknown setting BIOEVAL_LIMT (did you mean BIOEVAL_LIMIT?).")]
    [InlineData("BIOEVAL_DATA_MedNLI", "x.jsonl", "BIOEVAL_DATA_MedNLI: unknown setting BIOEVAL_DATA_MedNLI (did you mean BIOEVAL_DATA_MEDNLI?).")]
    [InlineData("BIOEVAL_PACK_MEDQA", "x.json", "unknown setting BIOEVAL_PACK_MEDQA")]
    [InlineData("BIOEVAL_PUBLISHED_SCORES", "/no/such/file.json", "BIOEVAL_PUBLISHED_SCORES: /no/such/file.json does not exist.")]
    public void BadValuesAreNamedInTheErrorWithTheirSource(string key, string value, string expected)
    {
        var e = Assert.Throws<ConfigurationException>(() => RunProfile.Load("embedded", new Dictionary<string, string?> { [key] = value }));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void EveryProblemIsReportedAtOnceEachWithItsSource()
    {
        var e = Assert.Throws<ConfigurationException>(() => RunProfile.Load("embedded", new Dictionary<string, Setting>
        {
            ["BIOEVAL_LIMIT"] = new("-2", "--limit", "/"),
            ["BIOEVAL_TEMPERATURE"] = new("nan", "environment variable BIOEVAL_TEMPERATURE", "/"),
            ["BIOEVAL_LIMT"] = new("3", "environment variable BIOEVAL_LIMT", "/"),
        }));
        Assert.Equal(
        [
            "--limit: must be at least 1, got -2.",
            "environment variable BIOEVAL_TEMPERATURE: must be a finite number, got 'nan'.",
            "environment variable BIOEVAL_LIMT: unknown setting BIOEVAL_LIMT (did you mean BIOEVAL_LIMIT?). Known settings: bioeval run --help.",
        ], e.Problems);
        Assert.StartsWith("3 problems:\n  - --limit", e.Message);
    }

    [Fact]
    public void AValueInTheProfileFileIsNamedByFileAndElement()
    {
        var dir = Directory.CreateTempSubdirectory("bioeval-profile-").FullName;
        var file = Path.Combine(dir, "mine.runsettings");
        File.WriteAllText(file, "<RunSettings><RunConfiguration><EnvironmentVariables><BIOEVAL_CONCURRENCY>0</BIOEVAL_CONCURRENCY><BIOEVAL_OUT>out</BIOEVAL_OUT></EnvironmentVariables></RunConfiguration></RunSettings>");
        var e = Assert.Throws<ConfigurationException>(() => RunProfile.Load(file));
        Assert.Equal($"{Path.GetRelativePath(Directory.GetCurrentDirectory(), file)} <BIOEVAL_CONCURRENCY>: must be at least 1, got 0.", Assert.Single(e.Problems));
        // A profile outside the repository resolves its relative paths against its own folder.
        File.WriteAllText(file, "<RunSettings><RunConfiguration><EnvironmentVariables><BIOEVAL_OUT>out</BIOEVAL_OUT></EnvironmentVariables></RunConfiguration></RunSettings>");
        Assert.Equal(Path.Combine(dir, "out"), RunProfile.Load(file).OutputDir);
    }

    [Fact]
    public void ATaskNamedTwiceRunsOnceAndNamesTakeTheCatalogsSpelling()
    {
        var p = RunProfile.Load("embedded", new Dictionary<string, string?> { ["BIOEVAL_TASKS"] = "MedNLI, mednli,NER, MedNLI" });
        Assert.Equal(["MedNLI", "NER"], p.Tasks);
    }

    [Fact]
    public void VariablesAProfileOrRegistryExpandAreKnown()
    {
        var dir = Directory.CreateTempSubdirectory("bioeval-profile-").FullName;
        var file = Path.Combine(dir, "mine.runsettings");
        File.WriteAllText(file, "<RunSettings><RunConfiguration><EnvironmentVariables><BIOEVAL_DATA>${BIOEVAL_MY_DATA}</BIOEVAL_DATA></EnvironmentVariables></RunConfiguration></RunSettings>");
        Environment.SetEnvironmentVariable("BIOEVAL_MY_DATA", dir);
        try
        {
            Assert.Equal(dir, RunProfile.Load(file, new Dictionary<string, string?> { ["BIOEVAL_MY_DATA"] = dir }).DataDir);
        }
        finally
        {
            Environment.SetEnvironmentVariable("BIOEVAL_MY_DATA", null);
        }
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
    public void TheScoringModeOfTheMultipleChoiceTasksIsAVariable()
    {
        Assert.Null(RunProfile.Load("embedded").Scoring);
        Assert.Equal(ScoringSelection.Both, RunProfile.Load("embedded", new Dictionary<string, string?> { ["BIOEVAL_SCORING"] = "both" }).Scoring);
        Assert.Equal(ScoringSelection.Likelihood, RunProfile.Load("embedded", new Dictionary<string, string?> { ["BIOEVAL_SCORING"] = "likelihood" }).Scoring);
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
        var e = Assert.Throws<ConfigurationException>(() => RunProfile.Load("embedded", new Dictionary<string, string?> { ["BIOEVAL_DATA"] = "${BIOEVAL_SURELY_UNSET_VARIABLE}/x" }));
        Assert.Contains("BIOEVAL_SURELY_UNSET_VARIABLE", e.Message);
    }
}
