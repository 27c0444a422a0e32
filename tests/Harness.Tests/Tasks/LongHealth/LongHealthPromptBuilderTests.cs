using BioEval.Harness.Datasets;
using BioEval.Harness.Prompts;
using BioEval.Harness.Protocol;
using BioEval.Harness.Tasks.LongHealth;
using BioEval.Models.Baselines;
using Microsoft.Extensions.AI;

namespace BioEval.Harness.Tests.Tasks.LongHealth;

public sealed class LongHealthPromptBuilderTests
{
    private static readonly IReadOnlyList<Sample> Fixture =
        LongHealthLoader.Instance.Load(DatasetFixtures.Path("LongHealth", "benchmark_v5.json"));

    /// <summary>A pack whose prompts are easy to take apart: documents joined by '|', then "#question", then options.</summary>
    private static readonly PromptPack PlainPack = new("LongHealth", "S", "{documents}\n#{question}\n{options}", "{reference}", null,
        new Dictionary<string, string> { ["documentSeparator"] = "|", ["optionF"] = "none", ["answerPhrase"] = "The correct answer is" });

    private static IReadOnlyList<EvalItem> Build(IReadOnlyList<Sample> samples, PromptPack pack, int context = 1_000_000,
        int task1Budget = 1_000_000, int seed = 1) =>
        LongHealthPromptBuilder.Instance.Build(new PromptContext(samples, 0, pack, new ApproximateTokenCounter(context),
            new ProtocolOptions(LongHealthTask1Budget: task1Budget) { DocumentSeed = seed }));

    private static string User(EvalItem item) => item.Messages.Single(m => m.Role == ChatRole.User).Text;

    private static string[] Docs(EvalItem item)
    {
        var documents = User(item).Split("\n#")[0];
        return documents.Length == 0 ? [] : documents.Split('|');
    }

    [Fact]
    public void EachQuestionGivesFiveTask1PromptsThenFiveTask2AndFiveTask3Interleaved()
    {
        var items = Build(Fixture, PromptPack.Default("LongHealth"));
        Assert.Equal(Fixture.Count * 15, items.Count);
        Assert.Equal(
            new[] { "patient_01/1/t1/0", "patient_01/1/t1/1", "patient_01/1/t1/2", "patient_01/1/t1/3", "patient_01/1/t1/4", "patient_01/2/t1/0" },
            items.Take(6).Select(i => i.Id));
        var firstDistractorItems = items.Skip(Fixture.Count * 5).Take(10).Select(i => i.Id);
        Assert.Equal(Enumerable.Range(0, 10).Select(j => $"patient_01/1/t{(j % 2 == 0 ? 3 : 2)}/{j}"), firstDistractorItems);
        foreach (var sample in Fixture)
            foreach (var task in new[] { "task1", "task2", "task3" })
                Assert.Equal(5, items.Count(i => i.Id.StartsWith(sample.Id + "/") && i.Sample.Field("subtask") == task));
    }

    [Fact]
    public void ItemsCarryTheExpectedLetterSubtaskAndASystemThenUserChat()
    {
        var pack = PromptPack.Default("LongHealth");
        var items = Build(Fixture, pack);
        foreach (var item in items)
        {
            var sample = Fixture.Single(s => item.Id.StartsWith(s.Id + "/"));
            var task = item.Sample.Field("subtask");
            Assert.Equal(task == "task3" ? "F" : sample.Reference, item.Sample.Reference);
            Assert.Equal(new[] { ChatRole.System, ChatRole.User }, item.Messages.Select(m => m.Role));
            Assert.Equal(pack.System, item.Messages[0].Text);
            Assert.Contains($"\n{sample.Field("question")}\nA: {sample.Field("answer_a")}\n", User(item));
            Assert.Equal(task != "task1", User(item).Contains($"\nF: {pack.String("optionF")}\n"));
            Assert.Contains("The correct answer is C: Acute bronchitis.", User(item));
        }
    }

    [Fact]
    public void Task1HoldsThePatientsOwnTextsTask2AddsTheAnswerTextsToDistractorsAndTask3HasNoneOfThePatients()
    {
        var items = Build(Fixture, PlainPack);
        foreach (var item in items)
        {
            var sample = Fixture.Single(s => item.Id.StartsWith(s.Id + "/"));
            var own = sample.Documents!;
            var docs = Docs(item);
            switch (item.Sample.Field("subtask"))
            {
                case "task1":
                    Assert.Equal(own.Select(d => d.Text).Order(), docs.Order());
                    break;
                case "task2":
                    Assert.Equal(own.Where(d => d.HoldsAnswer).Select(d => d.Text).Order(), docs.Where(own.Select(d => d.Text).Contains).Order());
                    var othersTexts = Fixture.Where(s => s.Field("patient_id") != sample.Field("patient_id"))
                        .DistinctBy(s => s.Field("patient_id")).Sum(s => s.Documents!.Count);
                    Assert.Equal(own.Count(d => d.HoldsAnswer) + Math.Min(10, othersTexts), docs.Length);
                    break;
                case "task3":
                    Assert.DoesNotContain(docs, own.Select(d => d.Text).Contains);
                    Assert.NotEmpty(docs);
                    break;
            }
        }
    }

    [Fact]
    public void DocumentsAreAddedUntilTheBudgetAndTheCrossingOneIsCut()
    {
        var sample = Patient("P", ["x1 x2 x3 x4 x5", "y1 y2 y3 y4 y5", "z1 z2 z3 z4 z5"], answer: 0);
        // Hand count (a word or punctuation mark is a token): template "{documents}\n#{question}\n{options}" = 10,
        // question "Q" = 1, options "A: a" .. "E: e" = 15, so 26 fixed; separator "|" = 1; system "S" = 1.
        // Budget 36 - 1 = 35: x (5) fits, 26 + 5 = 31, total 32 with the separator; y (5) would reach 37, so it is
        // cut to the 3 tokens left and packing stops before z.
        var items = Build([sample], PlainPack, task1Budget: 36).Where(i => i.Sample.Field("subtask") == "task1").ToList();
        Assert.Equal(5, items.Count);
        Assert.All(items, item => Assert.Equal(new[] { "x1 x2 x3 x4 x5", "y1 y2 y3" }, Docs(item).Select(d => d.Trim()).Order()));
    }

    [Fact]
    public void Task2And3PromptsStayWithinTheModelContextLessTheSystemPrompt()
    {
        const int context = 700;
        var counter = new ApproximateTokenCounter(context);
        var items = Build(Fixture, PlainPack, context: context).Where(i => i.Sample.Field("subtask") != "task1").ToList();
        var fullTexts = Fixture.SelectMany(s => s.Documents!).Select(d => d.Text).ToHashSet();
        foreach (var item in items)
        {
            var user = User(item);
            var rest = user[user.IndexOf("\n#", StringComparison.Ordinal)..];
            var question = item.Sample.Field("question");
            var options = rest[(2 + question.Length + 1)..];
            var used = counter.CountTokens(PlainPack.User) + counter.CountTokens(question) + counter.CountTokens(options)
                + Docs(item).Sum(counter.CountTokens);
            Assert.True(used <= context - 1, $"{item.Id} uses {used} tokens of {context - 1}.");
        }
        Assert.Contains(items, i => Docs(i).Any(d => !fullTexts.Contains(d)));
    }

    [Fact]
    public void TheSameSeedGivesTheSamePromptsAndAnotherSeedOtherOrders()
    {
        var a = Build(Fixture, PromptPack.Default("LongHealth"), seed: 7);
        var b = Build(Fixture, PromptPack.Default("LongHealth"), seed: 7);
        var c = Build(Fixture, PromptPack.Default("LongHealth"), seed: 8);
        Assert.Equal(a.Select(User), b.Select(User));
        Assert.NotEqual(a.Select(User), c.Select(User));
    }

    [Fact]
    public void RandomCallsFollowTheReferenceOrderOfShufflesAndDistractorDraws()
    {
        // Expected orders computed with CPython 3.11: random.seed(1), then for each question five shuffles of
        // [answer texts..., other texts...]; then per question and j in 0..9 random.sample(other patients' texts, 10)
        // followed by a shuffle of ([answer texts] if j is odd else []) + distractors.
        var samples = new[]
        {
            Patient("A", ["a0", "a1", "a2"], answer: 1),
            Patient("B", [.. Enumerable.Range(0, 12).Select(i => $"b{i}")], answer: 3),
            Patient("C", ["c0"], answer: 0),
        };
        var items = Build(samples, PlainPack).ToDictionary(i => i.Id, i => string.Join("|", Docs(i)));
        Assert.Equal("a0|a2|a1", items["A/1/t1/0"]);
        Assert.Equal("a0|a2|a1", items["A/1/t1/4"]);
        Assert.Equal("b8|b11|b4|b0|b1|b2|b5|b10|b9|b6|b3|b7", items["B/1/t1/0"]);
        Assert.Equal("b3|b10|b8|b9|b6|b5|c0|b0|b4|b2", items["A/1/t3/0"]);
        Assert.Equal("a1|b2|b11|b6|b9|b10|b1|b0|b8|b4|c0", items["A/1/t2/1"]);
        Assert.Equal("a0|a2|b3|b7|a1|b10|b0|b2|b11|b5", items["C/1/t3/8"]);
        Assert.Equal("a0|b1|a2|b4|c0|b2|b3|b11|b6|b0|b7", items["C/1/t2/9"]);
    }

    private static Sample Patient(string id, string[] texts, int answer)
    {
        var fields = new Dictionary<string, string>
        {
            ["question"] = "Q", ["answer_a"] = "a", ["answer_b"] = "b", ["answer_c"] = "c", ["answer_d"] = "d", ["answer_e"] = "e",
            ["correct"] = "a", ["patient_id"] = id, ["answer_location"] = $"{id}{answer}",
        };
        var docs = texts.Select((t, i) => new SampleDocument($"{id}{i}", t, i == answer)).ToList();
        return new Sample($"{id}/1", fields, "A", Documents: docs);
    }
}
