using BioEval.Harness.Runs;

namespace BioEval.Harness.Tests.Runs;

/// <summary>Restricted datasets' text never reaches a shareable file: reports, results.json, snapshots, logs.</summary>
public sealed class RestrictedTextTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bioeval-restricted-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void EveryOccurrenceOfARestrictedTextIsWithheldAndShortLabelsAreNot()
    {
        var texts = new RestrictedText(["The patient reports chest pain.", "The patient reports chest pain radiating to the arm.", "neutral"]);
        Assert.Equal(2, texts.Count);
        Assert.Equal($"a {RestrictedText.Placeholder} b {RestrictedText.Placeholder}: neutral",
            texts.Redact("a The patient reports chest pain radiating to the arm. b The patient reports chest pain.: neutral"));
        const string clean = "accuracy 0.5, model tiny-base, label neutral";
        Assert.Same(clean, texts.Redact(clean));
        Assert.False(texts.Occurs(clean));
    }

    [Fact]
    public async Task ARunOnTheRestrictedFixturesWritesTheirTextOnlyIntoPredictionsPromptsAndCheckpoints()
    {
        var profile = RunProfile.Load("embedded", new Dictionary<string, string?>
        {
            ["BIOEVAL_OUT"] = _dir, ["BIOEVAL_TASKS"] = "MedNLI,ProblemSummary,MeDiSumQA,MeDiSumCode", ["BIOEVAL_LIMIT"] = "3",
        });
        RestrictedText restricted;
        await using (var session = new BenchmarkSession(profile))
        {
            Assert.Empty(session.Preflight());
            Assert.All(session.Tasks, t => Assert.True(t.Restricted, t.Name));
            await session.ComparisonsAsync(TestContext.Current.CancellationToken);
            session.Write();
            restricted = session.Restricted;
        }
        Assert.True(restricted.Count > 20, $"{restricted.Count} restricted texts");

        var files = Directory.GetFiles(_dir, "*", SearchOption.AllDirectories);
        string[] privateFiles = ["predictions.jsonl", "prompts.jsonl"];
        var shareable = files.Where(f => !privateFiles.Contains(Path.GetFileName(f)) && !f.Contains($"{Path.DirectorySeparatorChar}checkpoints{Path.DirectorySeparatorChar}")).ToList();
        Assert.Contains(shareable, f => f.EndsWith("report.html", StringComparison.Ordinal));
        Assert.Contains(shareable, f => f.EndsWith("results.json", StringComparison.Ordinal));
        Assert.All(shareable, f => Assert.False(restricted.Occurs(File.ReadAllText(f)), $"{f} holds restricted text"));
        // The search finds the text where it is meant to be: the lead baseline copies sentences of the records.
        Assert.True(restricted.Occurs(File.ReadAllText(Path.Combine(_dir, "predictions.jsonl"))));
        Assert.True(restricted.Occurs(File.ReadAllText(Path.Combine(_dir, "prompts.jsonl"))));

        // Committed snapshots hold scores only.
        foreach (var snapshot in Directory.GetFiles(Path.Combine(BioEval.TestSupport.Repository.Root, "tests", "ClinicalTasks.Tests", "Snapshots"), "*", SearchOption.AllDirectories))
            Assert.False(restricted.Occurs(File.ReadAllText(snapshot)), snapshot);
    }

    [Fact]
    public void TheFourMimicDerivedTasksAreRestrictedByDefaultAndAProfileCanChangeThat()
    {
        Assert.Equal(["MedNLI", "ProblemSummary", "MeDiSumQA", "MeDiSumCode"], RunProfile.Load("embedded").RestrictedTasks.OrderBy(t => BioEval.Harness.Tasks.TaskCatalog.Names.ToList().IndexOf(t)));
        Assert.Empty(RunProfile.Load("embedded", new Dictionary<string, string?> { ["BIOEVAL_RESTRICTED"] = "none" }).RestrictedTasks);
        Assert.Equal(["MeQSum"], RunProfile.Load("embedded", new Dictionary<string, string?> { ["BIOEVAL_RESTRICTED"] = "meqsum" }).RestrictedTasks);
    }
}
