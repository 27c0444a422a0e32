using BioEval.Harness.Registry;
using BioEval.Harness.Results;
using BioEval.Harness.Runs;
using BioEval.Harness.Tests.Reporting;

namespace BioEval.Harness.Tests.Runs;

/// <summary>A run folder never loses a complete run's results: partial output goes beside them, marked, and one run writes at a time.</summary>
public sealed class RunStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bioeval-store-").FullName;
    private static readonly ModelRegistry Registry = new([], [new ModelPair("b", "o")]);
    private static readonly string[] RunFiles = ["results.json", "predictions.jsonl", "prompts.jsonl", "report.md", "report.html"];

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private WrittenRun Write(RunOutcome outcome, params TaskResult[] results) =>
        RunStore.Write(RunProfile.Load("embedded"), Registry, results, DateTimeOffset.UnixEpoch, _dir, outcome);

    private Dictionary<string, string> Snapshot() => RunFiles.ToDictionary(f => f, f => File.ReadAllText(Path.Combine(_dir, f)));

    [Fact]
    public void AFailedRunLeavesTheCompleteRunsFilesUntouchedAndWritesItsOwnPartialOutputMarkedIncomplete()
    {
        var complete = Write(RunOutcome.Completed, ReportDocuments.MedNli("b", 8), ReportDocuments.MedNli("o", 15));
        Assert.True(complete.Complete);
        Assert.Equal(_dir, complete.Folder);
        var before = Snapshot();

        var failed = Write(RunOutcome.Failed("MedNLI/mli_test_v1.jsonl line 3: not valid JSON"));

        Assert.False(failed.Complete);
        Assert.Equal(Path.Combine(_dir, RunStore.IncompleteFolder), failed.Folder);
        Assert.Equal(before, Snapshot());
        var partial = ResultsFile.Read(failed.ResultsJson);
        Assert.False(partial.Complete);
        Assert.Equal("failed: MedNLI/mli_test_v1.jsonl line 3: not valid JSON", partial.IncompleteReason);
        Assert.Contains("Incomplete run (failed: MedNLI/mli_test_v1.jsonl line 3", File.ReadAllText(failed.ReportMarkdown));
        Assert.Contains("id=\"incomplete\"", File.ReadAllText(failed.ReportHtml));
        Assert.True(ResultsFile.Read(Path.Combine(_dir, "results.json")).Complete);
        Assert.DoesNotContain("Incomplete run", File.ReadAllText(Path.Combine(_dir, "report.md")));
        Assert.False(Directory.Exists(Path.Combine(_dir, ".staging")));
    }

    [Fact]
    public void AnInterruptedFirstRunWritesOnlyIncompleteFilesAndTheRunThatCompletesItRemovesThem()
    {
        var interrupted = Write(RunOutcome.Interrupted, ReportDocuments.MedNli("b", 8));
        Assert.All(RunFiles, f => Assert.False(File.Exists(Path.Combine(_dir, f)), f));
        Assert.Equal("interrupted", ResultsFile.Read(interrupted.ResultsJson).IncompleteReason);

        Write(RunOutcome.Completed, ReportDocuments.MedNli("b", 8), ReportDocuments.MedNli("o", 15));

        Assert.False(Directory.Exists(Path.Combine(_dir, RunStore.IncompleteFolder)));
        var document = ResultsFile.Read(Path.Combine(_dir, "results.json"));
        Assert.True(document.Complete);
        Assert.Null(document.IncompleteReason);
        Assert.Equal(2, document.Results.Count);
    }

    [Fact]
    public void AnIncompleteShardIsNotMerged()
    {
        var partial = Write(RunOutcome.Interrupted, ReportDocuments.MedNli("b", 8));
        var e = Assert.Throws<InvalidDataException>(() => RunMerge.Merge([partial.Folder], Path.Combine(_dir, "merged"), null));
        Assert.Contains("incomplete run (interrupted)", e.Message);
    }

    [Fact]
    public void OneRunAtATimeHoldsAnOutputFolderAndTheSecondIsToldWhichProcessHasIt()
    {
        using (OutputLock.Acquire(_dir))
        {
            var e = Assert.Throws<OutputLockedException>(() => OutputLock.Acquire(_dir));
            Assert.Contains($"pid {Environment.ProcessId}", e.Message);
            Assert.Contains(_dir, e.Message);
        }
        using var again = OutputLock.Acquire(_dir);
        Assert.Equal(_dir, again.Folder);
    }

    [Fact]
    public void AnOutputFolderUnderARegularFileIsAPlainError()
    {
        var file = Path.Combine(_dir, "a-file");
        File.WriteAllText(file, "x");
        var e = Assert.Throws<IOException>(() => OutputLock.Acquire(Path.Combine(file, "run")));
        Assert.Equal($"Cannot create output folder {Path.Combine(file, "run")}: {file} is a file, not a folder.", e.Message);
    }
}

public sealed class UsageSummaryTests
{
    private static PredictionLine Line(int? prompt, int? completion, double latency) =>
        new("T", "m", "i", "s", 0, "h", "out", "out", new Dictionary<string, double>(), Usage: new RequestUsage(prompt, completion, latency));

    [Fact]
    public void RequestsAreSummedWithMeanAndSlowestLatencyAndTokensPerSecondOfTheWallClock()
    {
        var lines = new[] { Line(10, 4, 0.5), Line(20, 6, 1.5), Line(null, null, 1.0) }
            .Append(new PredictionLine("T", "m", "r", "s", 0, "h", "resumed", "resumed", new Dictionary<string, double>()));
        var usage = UsageSummary.Of(lines, seconds: 2.0)!;
        // 3 requests (the resumed output made none), 30 prompt and 10 completion tokens, latency mean 1.0, max 1.5, 10/2 = 5 tokens/s.
        Assert.Equal(new UsageSummary(3, 30, 10, 1.0, 1.5, 5.0), usage);
        Assert.Null(UsageSummary.Of([new PredictionLine("T", "m", "r", "s", 0, "h", "x", "x", new Dictionary<string, double>())], 1));
    }

    [Fact]
    public void PredictionsJsonlCarriesNoUsageSoAResumedRunWritesTheSameFile()
    {
        var text = PredictionsFile.Serialize([Line(10, 4, 0.5)]);
        Assert.DoesNotContain("latency", text);
        Assert.DoesNotContain("usage", text);
    }
}
