using BioEval.Harness.Datasets;
using BioEval.Harness.Metrics;
using BioEval.Harness.Protocol;
using BioEval.Harness.Runs;
using BioEval.Harness.Tasks;
using BioEval.Harness.Tasks.PubMedQA;

namespace BioEval.Harness.Tests.Tasks.PubMedQA;

public sealed class PubMedQaTaskTests
{
    [Fact]
    public void TheRealFilesHoldAThousandItemsOfWhichTheFiveHundredTestIdsAreEvaluated()
    {
        var path = DatasetFixtures.SharedDataset("PubMedQA", "ori_pqal.json");
        if (path is null) Assert.Skip("../shared/datasets/PubMedQA is not on this machine.");
        var samples = PubMedQaLoader.Instance.Load(path);
        Assert.Equal(1000, samples.Count);
        Assert.Equal(500, samples.Count(s => s.Field("split") == "test"));
        Assert.Equal(500, samples.Count(s => s.Field("split") == "train"));
        Assert.All(samples, s => Assert.Contains(s.Reference, PubMedQaLoader.Decisions));
        Assert.Equal(["yes", "no", "maybe"], samples.Select(s => s.Reference).Distinct().OrderBy(d => PubMedQaLoader.Decisions.ToList().IndexOf(d)));
        // Test items keep their bare PubMed id (the file's first, 21645374, is one); train items are marked.
        Assert.Equal("21645374", samples[0].Id);
        Assert.All(samples.Where(s => s.Field("split") == "train"), s => Assert.StartsWith("train/", s.Id));
    }

    [Fact]
    public void TheFixtureEvaluatesItsTestItemsInFileOrderWithThreeExamplesFromTheTrainSplit()
    {
        var profile = RunProfile.Load("embedded");
        var task = TaskCatalog.Select(new TaskEnvironment(profile.Protocol, profile.IcdCodeList), ["PubMedQA"])[0];
        var prepared = PreparedTask.Load(task, profile.DatasetPath(task.Name, task.DataFile), profile.Protocol);
        var items = task.Builder.Build(new PromptContext(prepared.Ordered, task.FewShot, prepared.Pack, null, profile.Protocol, task.MaxNewTokens));

        Assert.Equal(["90000001", "90000002", "90000003", "90000007"], items.Select(i => i.Id));
        var examples = items[0].Messages.Where(m => m.Role == Microsoft.Extensions.AI.ChatRole.Assistant).Select(m => m.Text).ToList();
        Assert.Equal(3, examples.Count);
        Assert.All(examples, e => Assert.Contains(e, PubMedQaLoader.Decisions));
        // Examples are train items only: no test question is ever shown with its answer.
        var shown = string.Join("\n", items[0].Messages.SkipLast(1).Select(m => m.Text));
        foreach (var test in prepared.Ordered.Where(s => s.Field("split") == "test")) Assert.DoesNotContain(test.Field("question"), shown);
        Assert.Contains(prepared.Ordered[0].Field("question"), items[0].Messages[^1].Text);
    }

    [Theory]
    [InlineData("Yes.", "yes")]
    [InlineData("The answer is no, because", "no")]
    [InlineData("MAYBE", "maybe")]
    [InlineData("Maybe not; no clear effect", "maybe")]
    [InlineData("nope, yesterday", "")]
    [InlineData("", "")]
    public void TheFirstWholeWordYesNoOrMaybeIsTheAnswer(string output, string expected) =>
        Assert.Equal(expected, PubMedQaAnswerParser.Instance.Parse(output));

    [Fact]
    public void MacroF1IsTheMeanOfTheThreeDecisionsF1()
    {
        // gold:  yes yes no  maybe maybe
        // pred:  yes no  no  yes   ""
        // yes: TP 1, predicted 2, gold 2 → 2/4 = 0.5; no: TP 1, predicted 2, gold 1 → 2/3; maybe: TP 0, gold 2 → 0.
        var pairs = new[] { ("yes", "yes"), ("yes", "no"), ("no", "no"), ("maybe", "yes"), ("maybe", "") };
        var perSample = pairs.Select(p => PubMedQaMetric.Instance.Score(new ScoringInput(p.Item2, p.Item2, new Sample("s", new Dictionary<string, string>(), p.Item1)))).ToList();
        var scores = PubMedQaMetric.Instance.Aggregate(perSample);
        Assert.Equal(2.0 / 5, scores["accuracy"], 12);
        Assert.Equal((0.5 + 2.0 / 3 + 0) / 3, scores["macro_f1"], 12);
    }

    [Fact]
    public void AGroundTruthDecisionThatDisagreesWithTheItemIsAnError()
    {
        var path = DatasetFixtures.Temp("ori_pqal.json", """{"1": {"QUESTION": "q", "CONTEXTS": ["c"], "final_decision": "yes"}}""");
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(path)!, PubMedQaLoader.TestFile), """{"1": "no"}""");
        var e = Assert.Throws<DatasetFormatException>(() => PubMedQaLoader.Instance.Load(path));
        Assert.Contains("test_ground_truth.json says no, the item says yes", e.Message);
    }
}
