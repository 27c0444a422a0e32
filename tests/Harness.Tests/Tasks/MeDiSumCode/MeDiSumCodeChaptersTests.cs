using System.Text.Json;
using BioEval.Harness.Registry;
using BioEval.Harness.Reporting;
using BioEval.Harness.Results;
using BioEval.Harness.Runs;
using BioEval.Harness.Tasks;
using BioEval.Models.Baselines;

namespace BioEval.Harness.Tests.Tasks.MeDiSumCode;

/// <summary>A MeDiSumCode result carries its predicted codes per chapter into results.json and both reports.</summary>
public sealed class MeDiSumCodeChaptersTests
{
    [Fact]
    public async Task TheOraclesCodesAreCountedPerChapterInResultsAndReports()
    {
        var profile = RunProfile.Load("embedded");
        var task = TaskCatalog.Select(new TaskEnvironment(profile.Protocol, profile.IcdCodeList), ["MeDiSumCode"])[0];
        var prepared = PreparedTask.Load(task, profile.DatasetPath(task.Name, task.DataFile), profile.Protocol);
        var ct = TestContext.Current.CancellationToken;
        var oracle = await TaskEvaluator.EvaluateAsync(prepared, "oracle", new OracleChatClient("oracle"), new EvalOptions(DecodingSettings.Greedy, profile.Protocol), cancellationToken: ct);
        var majority = await TaskEvaluator.EvaluateAsync(prepared, "majority", new MajorityChatClient("majority", ""), new EvalOptions(DecodingSettings.Greedy, profile.Protocol), cancellationToken: ct);

        // The oracle writes the gold codes: every one is counted, and its chapter's counts match the gold's.
        var gold = oracle.Predictions.SelectMany(p => BioEval.Harness.Metrics.IcdCodes.Predictions(p.RawOutput)).ToList();
        Assert.Equal(gold.Count, oracle.IcdChapters!.Sum(c => c.Predicted));
        Assert.Equal(gold.Count(c => BioEval.Harness.Metrics.IcdChapters.Of(c) == "09"), oracle.IcdChapters!.Single(c => c.Chapter == "09").Predicted);
        Assert.All(oracle.IcdChapters!, c => Assert.Equal(c.Predicted, c.InTable + c.NotInTable));

        var doc = RunStore.Results(profile, new ModelRegistry([], [new ModelPair("majority", "oracle")]), [majority, oracle], DateTimeOffset.UnixEpoch);
        using var json = JsonDocument.Parse(ResultsFile.Serialize(doc));
        var chapters = json.RootElement.GetProperty("results")[1].GetProperty("icd_chapters");
        Assert.Equal(["chapter", "codes", "title", "predicted", "in_table", "not_in_table"], chapters[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(oracle.IcdChapters!.Count, chapters.GetArrayLength());
        Assert.Equal(oracle.IcdChapters, ResultsFile.Read(Write(doc)).Results[1].IcdChapters);

        var nine = oracle.IcdChapters!.Single(c => c.Chapter == "09");
        Assert.Contains($"| 09 Circulatory system | I00-I99 | {majority.IcdChapters!.Single(c => c.Chapter == "09").Predicted} ({majority.IcdChapters!.Single(c => c.Chapter == "09").NotInTable}) | {nine.Predicted} ({nine.NotInTable}) |",
            MarkdownReport.Render(doc));
        Assert.Contains("<table class=\"icd-chapters\">", HtmlReport.Render(doc));
        // No other task has chapter counts.
        Assert.DoesNotContain("icd_chapters", ResultsFile.Serialize(RunStore.Results(profile, new ModelRegistry([], []), [], DateTimeOffset.UnixEpoch)));
    }

    private static string Write(ResultsDocument doc)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "results.json");
        File.WriteAllText(path, ResultsFile.Serialize(doc));
        return path;
    }
}
