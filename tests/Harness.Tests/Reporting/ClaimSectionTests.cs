using BioEval.Harness.Metrics;
using BioEval.Harness.Registry;
using BioEval.Harness.Reporting;
using BioEval.Harness.Results;
using BioEval.Harness.Runs;
using BioEval.Harness.Tasks;

namespace BioEval.Harness.Tests.Reporting;

/// <summary>
/// The "multiple choice vs clinical generation" section: per pair, the verdicts on the multiple-choice tasks in each
/// scoring mode beside those on the generative clinical tasks, read in one line.
/// </summary>
public sealed class ClaimSectionTests
{
    private static PairComparison C(string task, VerdictOutcome outcome, ScoringMode scoring = ScoringMode.Generate, string metric = "accuracy") =>
        PairComparison.Of(task, "base", "bio", metric, MetricDirection.HigherIsBetter, 20, 20, 0.5, 0.6,
            new Verdict(outcome, 0.1, 0.01, 0.2, 0.01, 0.02, "mcnemar", "holm", 0.05, "r"), scoring);

    public static TheoryData<string[], string[], string> Readings() => new()
    {
        { ["PubMedQA/likelihood/better", "PubMedQA/generate/nsd"], ["MeQSum/generate/worse"],
            "better on multiple choice, worse on clinical generation; generation and likelihood scoring disagree on PubMedQA" },
        { ["MedNLI/generate/nsd", "PubMedQA/likelihood/nsd"], ["MeDiSumQA/generate/nsd", "MeDiSumCode/generate/nsd"], "no significant difference anywhere" },
        { ["MedNLI/generate/better", "LongHealth/generate/worse"], ["ProblemSummary/generate/nsd"], "mixed on multiple choice, no significant difference on clinical generation" },
        { ["PubMedQA/likelihood/better"], [], "better on multiple choice; clinical generation not compared" },
        { [], ["MeQSum/generate/worse"], "worse on clinical generation; multiple choice not compared" },
        { ["PubMedQA/likelihood/worse", "PubMedQA/generate/worse"], ["MeQSum/generate/better"], "worse on multiple choice, better on clinical generation" },
    };

    [Theory]
    [MemberData(nameof(Readings))]
    public void TheReadingSaysWhereThePairIsBetterOrWorse(string[] multipleChoice, string[] generation, string expected)
    {
        static PairComparison Parse(string spec)
        {
            var parts = spec.Split('/');
            var outcome = parts[2] switch { "better" => VerdictOutcome.Better, "worse" => VerdictOutcome.Worse, _ => VerdictOutcome.NoSignificantDifference };
            return C(parts[0], outcome, parts[1] == "likelihood" ? ScoringMode.Likelihood : ScoringMode.Generate);
        }
        Assert.Equal(expected, ClaimSection.Reading([.. multipleChoice.Select(Parse)], [.. generation.Select(Parse)]));
    }

    /// <summary>
    /// A pair better on PubMedQA when generated, indistinguishable when scored by likelihood, and worse on MeQSum:
    /// 20 samples each, 2 vs 20 right (or 10 vs 10).
    /// </summary>
    private static ResultsDocument Document()
    {
        TaskResult R(string task, string model, int right, ScoringMode scoring = ScoringMode.Generate) =>
            ReportDocuments.MedNli(model, right, task: task) with { Scoring = scoring };
        return RunStore.Results(RunProfile.Load("embedded"), new ModelRegistry([], [new ModelPair("org/Base-7B", "Bio-7B")]),
        [
            R("PubMedQA", "org/Base-7B", 2), R("PubMedQA", "Bio-7B", 20),
            R("PubMedQA", "org/Base-7B", 10, ScoringMode.Likelihood), R("PubMedQA", "Bio-7B", 10, ScoringMode.Likelihood),
            R("MeQSum", "org/Base-7B", 20), R("MeQSum", "Bio-7B", 2),
        ], DateTimeOffset.UnixEpoch);
    }

    [Fact]
    public void EachModeIsComparedOnItsOwn()
    {
        var comparisons = Document().Comparisons;
        Assert.Equal([("PubMedQA", ScoringMode.Generate, VerdictOutcome.Better), ("PubMedQA", ScoringMode.Likelihood, VerdictOutcome.NoSignificantDifference),
            ("MeQSum", ScoringMode.Generate, VerdictOutcome.Worse)], comparisons.Select(c => (c.Task, c.Scoring, c.Outcome)));
        Assert.Equal(0.5, comparisons[1].BioMean);
    }

    [Fact]
    public void BothReportsShowTheSectionWithItsReadingAndEachModeAsATaskOfItsOwn()
    {
        var doc = Document();
        const string reading = "better on multiple choice, worse on clinical generation; generation and likelihood scoring disagree on PubMedQA";
        var md = MarkdownReport.Render(doc);
        Assert.Contains("## Multiple choice vs clinical generation", md);
        Assert.Contains($"**org/Base-7B → Bio-7B:** {reading}.", md);
        Assert.Contains("| multiple choice | PubMedQA | likelihood | accuracy | 0.00 (0.00 to 0.00), no significant difference |", md);
        Assert.Contains("| clinical generation | MeQSum | generate | accuracy |", md);
        Assert.Contains("## PubMedQA (likelihood)", md);
        Assert.True(md.IndexOf("## Multiple choice vs clinical generation", StringComparison.Ordinal) < md.IndexOf("## PubMedQA", StringComparison.Ordinal));

        var html = HtmlReport.Render(doc);
        Assert.Contains("<section id=\"claim\">", html);
        Assert.Contains($"{reading}.</p>", html);
        Assert.Contains("id=\"task-PubMedQA-likelihood\" data-task=\"PubMedQA\" data-scoring=\"likelihood\"", html);
        Assert.Contains("<h2>PubMedQA (likelihood)</h2>", html);
    }

    [Fact]
    public void PublishedMultipleChoiceFiguresAreShownBesideOursByMode()
    {
        var dir = Directory.CreateTempSubdirectory().FullName;
        var path = Path.Combine(dir, "mc.json");
        File.WriteAllText(path, """
            {"source": "hand-written test figures",
             "scores": [
               {"model": "Base-7B", "benchmark": "PubMedQA", "value": 71.5, "source": "card"},
               {"model": "org/bio-7b", "benchmark": "MedQA", "metric": "accuracy", "value": 45.25}
             ]}
            """);
        var published = PublishedMultipleChoice.Load(path);
        var md = MarkdownReport.Render(Document(), published);
        Assert.Contains("Published multiple-choice scores (hand-written test figures)", md);
        Assert.Contains("| org/Base-7B | PubMedQA | accuracy | 71.50 | 10.00 (generate), 50.00 (likelihood) | card |", md);
        Assert.Contains("| Bio-7B | MedQA | accuracy | 45.25 | not run |  |", md);
        var html = HtmlReport.Render(Document(), null, published);
        Assert.Contains("<table class=\"published-mc\">", html);
        Assert.Contains("<td>10.00 (generate), 50.00 (likelihood)</td>", html);
    }

    [Theory]
    [InlineData("""{"scores": {}}""", "no \"scores\" array")]
    [InlineData("""{"scores": [{"model": "m", "benchmark": "PubMedQA", "value": 70}, {"model": "m", "value": 70}]}""", "scores[1] needs")]
    [InlineData("""{"scores": [{"model": "m", "benchmark": "PubMedQA", "value": 0.7}, {"model": "m", "benchmark": "b", "value": 170}]}""", "scores[1] needs")]
    [InlineData("""{"scores": [""", "not valid JSON")]
    public void AMalformedPublishedFileIsRefusedSayingWhere(string json, string expected)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "mc.json");
        File.WriteAllText(path, json);
        Assert.Contains(expected, Assert.Throws<InvalidDataException>(() => PublishedMultipleChoice.Load(path)).Message);
    }

    [Fact]
    public void APairComparedOnNeitherSideHasNoSection()
    {
        var doc = RunStore.Results(RunProfile.Load("embedded"), new ModelRegistry([], [new ModelPair("a", "b")]),
            [ReportDocuments.MedNli("a", 2, task: "NER"), ReportDocuments.MedNli("b", 20, task: "NER")], DateTimeOffset.UnixEpoch);
        Assert.Empty(ClaimSection.Rows(doc));
        Assert.DoesNotContain("Multiple choice vs clinical generation", MarkdownReport.Render(doc));
        Assert.DoesNotContain("id=\"claim\"", HtmlReport.Render(doc));
    }
}
