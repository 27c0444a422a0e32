using BioEval.Harness.Protocol;
using BioEval.Harness.Registry;
using BioEval.Harness.Runs;
using BioEval.Harness.Tasks;
using BioEval.Models.Baselines;
using Microsoft.Extensions.AI;

namespace BioEval.Harness.Tests.Runs;

public sealed class TaskEvaluatorTests
{
    private static PreparedTask Prepared(TaskDefinition task, int n = 6) =>
        new(task, TestTasks.Pack, "echo.jsonl", "00000000000000", TestTasks.Samples(n));

    private static EvalOptions Options(int? limit = null, Checkpoint? checkpoint = null, bool referenceAveraging = true,
        DecodingSettings? decoding = null, string identity = "identity-1") =>
        new(decoding ?? DecodingSettings.Greedy, ProtocolOptions.Default with { ReferenceAveraging = referenceAveraging }, limit, 4, checkpoint, identity);

    [Fact]
    public async Task OracleScoresPerfectlyAndPredictionsKeepEvaluationOrder()
    {
        var result = await TaskEvaluator.EvaluateAsync(Prepared(TestTasks.Echo()), "oracle", new OracleChatClient("oracle"), Options(), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(1.0, result.Scores["exact"]);
        Assert.Equal(["s3", "s4", "s5", "s6"], result.Predictions.Select(p => p.SampleId));
        Assert.Equal(4, result.Samples);
    }

    [Fact]
    public async Task LimitKeepsTheFirstSamplesInEvaluationOrder()
    {
        var result = await TaskEvaluator.EvaluateAsync(Prepared(TestTasks.Echo()), "oracle", new OracleChatClient("oracle"), Options(limit: 2), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(["s3", "s4"], result.Predictions.Select(p => p.SampleId));
    }

    [Fact]
    public async Task ReferenceAveragingCountsTheFirstSampleTwice()
    {
        // Only the first evaluated sample (s3) is answered right: plain mean 1/4, the reference's (1+1)/(4+1).
        var model = new AnswersOnly("w3");
        var task = TestTasks.Echo(averaging: Averaging.FirstSampleTwice);
        var reference = await TaskEvaluator.EvaluateAsync(Prepared(task), "m", model, Options(), cancellationToken: TestContext.Current.CancellationToken);
        var plain = await TaskEvaluator.EvaluateAsync(Prepared(task), "m", model, Options(referenceAveraging: false), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(2.0 / 5, reference.Scores["exact"], 12);
        Assert.Equal(1.0 / 4, plain.Scores["exact"], 12);
    }

    [Fact]
    public async Task ResumeReusesCheckpointedOutputsInsteadOfAskingAgain()
    {
        var dir = Directory.CreateTempSubdirectory().FullName;
        var first = new CountingOracle();
        await Evaluate(first, new Checkpoint(dir, resume: false));
        var second = new CountingOracle();
        var result = await Evaluate(second, new Checkpoint(dir, resume: true));
        Assert.Equal(4, first.Calls);
        Assert.Equal(0, second.Calls);
        Assert.Equal(1.0, result.Scores["exact"]);
    }

    public static TheoryData<string> OtherScopes() => ["temperature", "seed", "top_p", "identity", "task version", "max new tokens"];

    [Theory]
    [MemberData(nameof(OtherScopes))]
    public async Task OutputsRecordedUnderAnotherModelIdentityDecodingOrTaskDefinitionAreNotReused(string change)
    {
        var dir = Directory.CreateTempSubdirectory().FullName;
        var sampling = new DecodingSettings(0.7, 0.9, 5);
        await Evaluate(new CountingOracle(), new Checkpoint(dir, false), decoding: sampling);
        var (task, decoding, identity) = change switch
        {
            "temperature" => (TestTasks.Echo(), sampling with { Temperature = 0.8 }, "identity-1"),
            "seed" => (TestTasks.Echo(), sampling with { Seed = 6 }, "identity-1"),
            "top_p" => (TestTasks.Echo(), sampling with { TopP = 1.0 }, "identity-1"),
            "identity" => (TestTasks.Echo(), sampling, "identity-2"),
            "task version" => (TestTasks.Echo() with { Version = 2 }, sampling, "identity-1"),
            _ => (TestTasks.Echo() with { MaxNewTokens = 6 }, sampling, "identity-1"),
        };
        var second = new CountingOracle();
        await TaskEvaluator.EvaluateAsync(Prepared(task), "m", second, Options(checkpoint: new Checkpoint(dir, true), decoding: decoding, identity: identity),
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(4, second.Calls);

        var same = new CountingOracle();
        await Evaluate(same, new Checkpoint(dir, true), decoding: sampling);
        Assert.Equal(0, same.Calls);
    }

    [Fact]
    public async Task ModelsWhoseNamesSanitiseAlikeKeepSeparateCheckpoints()
    {
        // "m a" and "m_a" once shared one file, and a resume gave one model the other's outputs.
        var dir = Directory.CreateTempSubdirectory().FullName;
        await Evaluate(new AnswersOnly("w3"), new Checkpoint(dir, false), model: "m a");
        var other = new CountingOracle();
        var result = await Evaluate(other, new Checkpoint(dir, true), model: "m_a");
        Assert.Equal(4, other.Calls);
        Assert.Equal(1.0, result.Scores["exact"]);
        Assert.Equal(2, Directory.GetFiles(dir).Length);
        Assert.All(Directory.GetFiles(dir), f => Assert.Matches("^[0-9a-f]{32}\\.jsonl$", Path.GetFileName(f)));
    }

    [Fact]
    public async Task ATornLastLineIsIgnoredAndTheNextOutputDoesNotFuseWithIt()
    {
        var dir = Directory.CreateTempSubdirectory().FullName;
        await Evaluate(new CountingOracle(), new Checkpoint(dir, false), limit: 2);
        var file = Assert.Single(Directory.GetFiles(dir));
        var lines = File.ReadAllLines(file);
        // A kill in the middle of writing the second line.
        File.WriteAllText(file, lines[0] + "\n" + lines[1][..(lines[1].Length / 2)]);

        var second = new CountingOracle();
        await Evaluate(second, new Checkpoint(dir, true));
        Assert.Equal(3, second.Calls);
        var third = new CountingOracle();
        await Evaluate(third, new Checkpoint(dir, true));
        Assert.Equal(0, third.Calls);
    }

    private static Task<TaskResult> Evaluate(IChatClient client, Checkpoint checkpoint, DecodingSettings? decoding = null, string model = "m", int? limit = null) =>
        TaskEvaluator.EvaluateAsync(Prepared(TestTasks.Echo()), model, client, Options(limit, checkpoint, decoding: decoding), cancellationToken: TestContext.Current.CancellationToken);

    [Fact]
    public async Task PromptHashesAreEqualForEqualChatsAcrossModels()
    {
        var a = await TaskEvaluator.EvaluateAsync(Prepared(TestTasks.Echo()), "a", new OracleChatClient("a"), Options(), cancellationToken: TestContext.Current.CancellationToken);
        var b = await TaskEvaluator.EvaluateAsync(Prepared(TestTasks.Echo()), "b", new MajorityChatClient("b", ""), Options(), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(a.Predictions.Select(p => p.PromptHash), b.Predictions.Select(p => p.PromptHash));
        Assert.Equal(4, a.Predictions.Select(p => p.PromptHash).Distinct().Count());
    }

    [Fact]
    public async Task APromptTooLongForTheModelScoresAsAnEmptyAnswerAndIsCountedWithoutEndingTheRun()
    {
        var result = await TaskEvaluator.EvaluateAsync(Prepared(TestTasks.Echo()), "m", new RejectsSample("w4"), Options(), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(1, result.RejectedPrompts);
        var rejected = Assert.Single(result.Predictions, p => p.Error is not null);
        Assert.Equal("s4", rejected.SampleId);
        Assert.Equal("", rejected.RawOutput);
        Assert.Contains("context", rejected.Error);
        Assert.Equal(3.0 / 4, result.Scores["exact"], 12);
    }

    private sealed class RejectsSample(string word) : BaselineChatClient("rejects")
    {
        protected override string Answer(IReadOnlyList<ChatMessage> messages, BioEval.Models.SampleFacts? facts) =>
            messages[^1].Text.Contains(word)
                ? throw new BioEval.Models.PromptTooLongException("rejects", 5000, 4096)
                : facts!.PerfectAnswer;
    }

    private sealed class AnswersOnly(string word) : BaselineChatClient("answers-only")
    {
        protected override string Answer(IReadOnlyList<ChatMessage> messages, BioEval.Models.SampleFacts? facts) =>
            messages[^1].Text.Contains(word) ? word : "?";
    }

    private sealed class CountingOracle() : BaselineChatClient("counting")
    {
        private int _calls;
        public int Calls => _calls;

        protected override string Answer(IReadOnlyList<ChatMessage> messages, BioEval.Models.SampleFacts? facts)
        {
            Interlocked.Increment(ref _calls);
            return facts!.PerfectAnswer;
        }
    }
}
