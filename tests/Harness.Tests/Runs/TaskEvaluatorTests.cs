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

    private static EvalOptions Options(int? limit = null, Checkpoint? checkpoint = null, bool referenceAveraging = true) =>
        new(DecodingSettings.Greedy, ProtocolOptions.Default with { ReferenceAveraging = referenceAveraging }, limit, 4, checkpoint);

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
        await TaskEvaluator.EvaluateAsync(Prepared(TestTasks.Echo()), "m", first, Options(checkpoint: new Checkpoint(dir, "greedy", resume: false)), cancellationToken: TestContext.Current.CancellationToken);
        var second = new CountingOracle();
        var result = await TaskEvaluator.EvaluateAsync(Prepared(TestTasks.Echo()), "m", second, Options(checkpoint: new Checkpoint(dir, "greedy", resume: true)), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(4, first.Calls);
        Assert.Equal(0, second.Calls);
        Assert.Equal(1.0, result.Scores["exact"]);
    }

    [Fact]
    public async Task CheckpointsOfOtherDecodingSettingsAreNotReused()
    {
        var dir = Directory.CreateTempSubdirectory().FullName;
        await TaskEvaluator.EvaluateAsync(Prepared(TestTasks.Echo()), "m", new CountingOracle(), Options(checkpoint: new Checkpoint(dir, "greedy", false)), cancellationToken: TestContext.Current.CancellationToken);
        var second = new CountingOracle();
        await TaskEvaluator.EvaluateAsync(Prepared(TestTasks.Echo()), "m", second, Options(checkpoint: new Checkpoint(dir, "t1", true)), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(4, second.Calls);
    }

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
        protected override string Answer(IReadOnlyList<ChatMessage> messages, ChatOptions? options) =>
            messages[^1].Text.Contains(word)
                ? throw new BioEval.Models.PromptTooLongException("rejects", 5000, 4096)
                : (string)options!.AdditionalProperties![BioEval.Models.ModelKeys.Reference]!;
    }

    private sealed class AnswersOnly(string word) : BaselineChatClient("answers-only")
    {
        protected override string Answer(IReadOnlyList<ChatMessage> messages, ChatOptions? options) =>
            messages[^1].Text.Contains(word) ? word : "?";
    }

    private sealed class CountingOracle() : BaselineChatClient("counting")
    {
        private int _calls;
        public int Calls => _calls;

        protected override string Answer(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
        {
            Interlocked.Increment(ref _calls);
            return (string)options!.AdditionalProperties![BioEval.Models.ModelKeys.Reference]!;
        }
    }
}
