using BioEval.Harness.Datasets;
using BioEval.Harness.Prompts;
using BioEval.Harness.Protocol;
using BioEval.Harness.Tasks.MeDiSumCode;
using BioEval.Harness.Tasks.MeDiSumQA;
using BioEval.Harness.Tasks.MedNLI;
using BioEval.Harness.Tasks.MeQSum;
using BioEval.Harness.Tasks.ProblemSummary;
using BioEval.Models.Baselines;
using Microsoft.Extensions.AI;

namespace BioEval.Harness.Tests.Tasks;

/// <summary>The embedded prompt packs fit their datasets: every placeholder fills and the protocol's fixed parts hold.</summary>
public sealed class TaskPackTests
{
    public static TheoryData<string, string, string> FewShotTasks => new()
    {
        { "MedNLI", "mli_test_v1.jsonl", "sentence2" },
        { "MeQSum", "MeQSum_ACL2019_BenAbacha_Demner-Fushman.xlsx", "CHQ" },
        { "ProblemSummary", "BioNLP2023-1A-Test.csv", "Subjectives" },
        { "MeDiSumQA", "MeDiSumQA.json", "discharge_summary" },
        { "MeDiSumCode", "MeDiSumCode.json", "text" },
    };

    private static IDatasetLoader Loader(string task) => task switch
    {
        "MedNLI" => MedNLILoader.Instance,
        "MeQSum" => MeQSumLoader.Instance,
        "ProblemSummary" => ProblemSummaryLoader.Instance,
        "MeDiSumQA" => MeDiSumQALoader.Instance,
        "MeDiSumCode" => MeDiSumCodeLoader.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(task)),
    };

    [Theory]
    [MemberData(nameof(FewShotTasks))]
    public void EveryFixtureSampleFillsThePackAfterTheFewShotExamples(string task, string file, string source)
    {
        var pack = PromptPack.Default(task);
        Assert.Equal(task, pack.Task);
        var samples = Loader(task).Load(DatasetFixtures.Path(task, file));
        var items = FewShotPromptBuilder.Instance.Build(new PromptContext(samples, 3, pack, new ApproximateTokenCounter(8192), ProtocolOptions.Default));
        Assert.Equal(samples.Count - 3, items.Count);
        Assert.All(items, item => Assert.Contains(item.Sample.Field(source), item.Messages[^1].Text));
        Assert.All(items, item => Assert.Equal(7 + (string.IsNullOrEmpty(pack.System) ? 0 : 1), item.Messages.Count));
    }

    [Theory]
    [InlineData("MeQSum", "{CHQ}")]
    [InlineData("ProblemSummary", "{Subjectives}")]
    [InlineData("ProblemSummary", "{Assessment}")]
    [InlineData("MeDiSumQA", "{discharge_summary}")]
    [InlineData("MeDiSumCode", "{text}")]
    public void SourceTextStandsInAParagraphOfItsOwnForTheLeadBaseline(string task, string placeholder)
    {
        var paragraphs = System.Text.RegularExpressions.Regex.Split(PromptPack.Default(task).User, @"\n\s*\n");
        Assert.Contains(placeholder, paragraphs);
    }

    [Fact]
    public void MedNLIListsTheLabelsInUpperCaseAndAnswersFewShotWithTheRawLabel()
    {
        var pack = PromptPack.Default("MedNLI");
        foreach (var label in MedNLILoader.Labels) Assert.Contains(label.ToUpperInvariant(), pack.System);
        Assert.Equal("{gold_label}", pack.Assistant);
    }

    [Fact]
    public void MeDiSumCodeStartsOnlyFewShotAnswersWithTheCodePrefix()
    {
        var pack = PromptPack.Default("MeDiSumCode");
        var samples = MeDiSumCodeLoader.Instance.Load(DatasetFixtures.Path("MeDiSumCode", "MeDiSumCode.json"));
        var item = FewShotPromptBuilder.Instance.Build(new PromptContext(samples, 1, pack, new ApproximateTokenCounter(8192), ProtocolOptions.Default))[0];
        Assert.Equal(new[] { ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.User }, item.Messages.Select(m => m.Role));
        Assert.Equal("ICD-10 Codes: J189, I10, E119", item.Messages[2].Text);
    }

    [Fact]
    public void ProblemSummaryShowsSubjectivesAndAssessmentButNotObjectives()
    {
        var user = PromptPack.Default("ProblemSummary").User;
        Assert.Contains("{Subjectives}", user);
        Assert.Contains("{Assessment}", user);
        Assert.DoesNotContain("{Objectives}", user);
    }

    [Fact]
    public void LongHealthPackHasTheStringsTheBuilderAndParserNeed()
    {
        var pack = PromptPack.Default("LongHealth");
        foreach (var key in new[] { "documentSeparator", "optionF", "answerPhrase" }) Assert.NotEmpty(pack.String(key));
        foreach (var placeholder in new[] { "{documents}", "{question}", "{options}", "{answer_phrase}" }) Assert.Contains(placeholder, pack.User);
    }
}
