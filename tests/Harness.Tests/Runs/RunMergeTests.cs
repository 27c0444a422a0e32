using BioEval.Harness.Registry;
using BioEval.Harness.Results;
using BioEval.Harness.Runs;
using BioEval.Harness.Tests.Reporting;

namespace BioEval.Harness.Tests.Runs;

/// <summary>Shards of one run merge into the run they are pieces of; folders of different runs are refused, naming the difference.</summary>
public sealed class RunMergeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bioeval-merge-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly ModelRegistry Registry = new([], [new ModelPair("b", "o"), new ModelPair("b", "p")]);

    private static RunProfile Profile(string? statsSeed = null) => RunProfile.Load("embedded",
        statsSeed is null ? null : new Dictionary<string, string?> { ["BIOEVAL_STATS_SEED"] = statsSeed });

    private static TaskResult MedNli(string model, int right) => ReportDocuments.MedNli(model, right);

    private static TaskResult Other(string model, int right) => ReportDocuments.MedNli(model, right, task: "Other");

    private string Write(string name, RunProfile profile, params TaskResult[] results) =>
        RunStore.Write(profile, Registry, results, DateTimeOffset.UnixEpoch, Path.Combine(_dir, name)).Folder;

    private string Out => Path.Combine(_dir, "merged");

    [Fact]
    public void TaskShardsMergeIntoTheRunTheyArePiecesOf()
    {
        var whole = Write("whole", Profile(), MedNli("b", 8), MedNli("o", 15), MedNli("p", 9), Other("b", 12), Other("o", 3), Other("p", 12));
        var a = Write("a", Profile(), MedNli("b", 8), MedNli("o", 15), MedNli("p", 9));
        var b = Write("b", Profile(), Other("b", 12), Other("o", 3), Other("p", 12));

        var merged = RunMerge.Merge([a, b], Out, null);

        var expected = ResultsFile.Read(Path.Combine(whole, "results.json"));
        // Adjusted over both shards' comparisons, as in the whole run, not within each shard.
        Assert.Equal(expected.Comparisons, merged.Comparisons);
        Assert.Equal(4, merged.Comparisons.Count);
        Assert.NotEqual(ResultsFile.Read(Path.Combine(a, "results.json")).Comparisons[0].Verdict.AdjustedPValue, merged.Comparisons[0].Verdict.AdjustedPValue);
        Assert.Equal(expected.Results.Select(r => (r.Task, r.Model)), merged.Results.Select(r => (r.Task, r.Model)));
        Assert.Equal(File.ReadAllText(Path.Combine(whole, "predictions.jsonl")), File.ReadAllText(Path.Combine(Out, "predictions.jsonl")));
        Assert.Equal(File.ReadAllText(Path.Combine(whole, "report.md")), File.ReadAllText(Path.Combine(Out, "report.md")));
        Assert.True(File.Exists(Path.Combine(Out, "report.html")));
        Assert.Equal(merged.Comparisons, ResultsFile.Read(Path.Combine(Out, "results.json")).Comparisons);
    }

    [Fact]
    public void AModelInTwoPairShardsIsKeptOnce()
    {
        var a = Write("a", Profile(), MedNli("b", 8), MedNli("o", 15));
        var b = Write("b", Profile(), MedNli("b", 8), MedNli("p", 9));
        var merged = RunMerge.Merge([a, b], Out, null);
        Assert.Equal(["b", "o", "p"], merged.Results.Select(r => r.Model));
        Assert.Equal(["b → o", "b → p"], merged.Comparisons.Select(c => $"{c.Base} → {c.Bio}"));
        Assert.Equal(60, PredictionsFile.Read(Path.Combine(Out, "predictions.jsonl")).Count);
    }

    [Fact]
    public void ShardsWithOtherStatisticsAreRefused()
    {
        var a = Write("a", Profile(), MedNli("b", 8), MedNli("o", 15));
        var b = Write("b", Profile(statsSeed: "2"), Other("b", 12), Other("o", 3));
        var e = Assert.Throws<InvalidDataException>(() => RunMerge.Merge([a, b], Out, null));
        Assert.Contains($"{b} is not a shard of the same run as {a}: statistics differs", e.Message);
        Assert.False(Directory.Exists(Out)); // nothing written
    }

    [Fact]
    public void ShardsOfAnotherToolVersionAreRefused()
    {
        var a = Write("a", Profile(), MedNli("b", 8), MedNli("o", 15));
        var b = Write("b", Profile(), Other("b", 12), Other("o", 3));
        var file = Path.Combine(b, "results.json");
        File.WriteAllText(file, File.ReadAllText(file).Replace($"\"tool_version\": \"{RunStore.ToolVersion}\"", "\"tool_version\": \"0.0.1-other\""));
        Assert.Contains($"tool version differs ({RunStore.ToolVersion} vs 0.0.1-other)", Assert.Throws<InvalidDataException>(() => RunMerge.Merge([a, b], Out, null)).Message);
    }

    [Fact]
    public void ATaskOnAnotherDatasetIsRefused()
    {
        var a = Write("a", Profile(), MedNli("b", 8));
        var b = Write("b", Profile(), MedNli("o", 15) with { DatasetSha256 = new string('c', 64) });
        Assert.Contains($"MedNLI differs between {a} and {b}: dataset sha256 {new string('a', 64)} vs {new string('c', 64)}",
            Assert.Throws<InvalidDataException>(() => RunMerge.Merge([a, b], Out, null)).Message);
    }

    [Fact]
    public void AModelScoredDifferentlyInTwoShardsIsRefused()
    {
        var a = Write("a", Profile(), MedNli("b", 8), MedNli("o", 15));
        var b = Write("b", Profile(), MedNli("b", 9), MedNli("p", 9));
        Assert.Contains($"MedNLI / b is in {a} and in {b} with different scores", Assert.Throws<InvalidDataException>(() => RunMerge.Merge([a, b], Out, null)).Message);
    }

    [Fact]
    public void AFolderWithoutPerSampleScoresOrInsideTheOutputIsRefused()
    {
        var a = Write("a", Profile(), MedNli("b", 8), MedNli("o", 15));
        Assert.Contains("is one of the folders merged", Assert.Throws<InvalidDataException>(() => RunMerge.Merge([a], a, null)).Message);
        File.Delete(Path.Combine(a, "predictions.jsonl"));
        Assert.Contains($"{a}: no predictions.jsonl", Assert.Throws<InvalidDataException>(() => RunMerge.Merge([a], Out, null)).Message);
        Assert.Contains("no results.json", Assert.Throws<InvalidDataException>(() => RunMerge.Merge([_dir], Out, null)).Message);
    }
}
