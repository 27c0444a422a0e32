using BioEval.Harness.Datasets;
using BioEval.Harness.Metrics;
using BioEval.Harness.Protocol;
using BioEval.Harness.Results;
using BioEval.Harness.Runs;
using BioEval.Harness.Tasks;
using BioEval.Models;
using BioEval.Models.Baselines;
using BioEval.Models.Onnx;
using Microsoft.Extensions.AI;

namespace BioEval.Harness.Tests.Runs;

/// <summary>
/// Likelihood scoring of a multiple-choice task: no generation; the option with the highest summed log-probability is
/// the answer, scored by the task's own parser and metrics; the <c>_norm</c> metrics take the highest per byte.
/// </summary>
public sealed class LikelihoodScoringTests
{
    // Three options of different lengths: "no" wins on the sum, "maybe" per byte (−1.5/5 = −0.3 > −0.8/2 = −0.4).
    private static readonly IReadOnlyList<string> Options = ["yes", "no", "maybe"];

    private static TaskDefinition Choice() =>
        new("Choice", 1, "choice.jsonl", new TestTasks.ListLoader([]), "Echo", 0, 5, IdentityParser.Instance, [new HeadlineExact()])
        {
            Choices = _ => Options,
        };

    private static PreparedTask Prepared(TaskDefinition task, params string[] golds) =>
        new(task, TestTasks.Pack, "choice.jsonl", "00000000000000",
            [.. golds.Select((g, i) => new Sample($"s{i + 1}", new Dictionary<string, string> { ["word"] = $"w{i + 1}" }, g))]);

    private static EvalOptions Likelihood(Checkpoint? checkpoint = null) =>
        new(DecodingSettings.Greedy, ProtocolOptions.Default, null, 4, checkpoint, "identity-1", ScoringMode.Likelihood);

    [Fact]
    public async Task TheMostLikelyOptionIsTheAnswerAndNothingIsGenerated()
    {
        var model = new FixedScorer([-2.0, -0.8, -1.5]);
        var result = await TaskEvaluator.EvaluateAsync(Prepared(Choice(), "no", "maybe"), "m", model, Likelihood(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(ScoringMode.Likelihood, result.Scoring);
        Assert.Equal("Choice (likelihood)", result.Label);
        Assert.Equal(["no", "no"], result.Predictions.Select(p => p.RawOutput));
        Assert.Equal(0.5, result.Scores["exact"]);
        // Per byte, "maybe" is the most likely: right on the second sample only.
        Assert.Equal(0.5, result.Scores["exact_norm"]);
        Assert.Equal([0.0, 1.0], result.Predictions.Select(p => p.Scores["exact_norm"]));
        Assert.True(Assert.Single(result.Metrics, m => m.Name == "exact").Headline);
        Assert.False(Assert.Single(result.Metrics, m => m.Name == "exact_norm").Headline);
        Assert.All(result.Predictions, p =>
        {
            Assert.Equal(ScoringMode.Likelihood, p.Scoring);
            Assert.Equal(Options, p.Likelihood!.Choices);
            Assert.Equal([-2.0, -0.8, -1.5], p.Likelihood.Logprobs);
            Assert.Equal((1, 2), (p.Likelihood.Best, p.Likelihood.BestPerByte));
        });
        Assert.Equal(0, model.Generations);
        Assert.Equal(2, model.Scorings);
    }

    [Fact]
    public async Task EqualLikelihoodsTakeTheFirstOption()
    {
        var result = await TaskEvaluator.EvaluateAsync(Prepared(Choice(), "yes"), "m", new FixedScorer([-1.0, -1.0, -1.0]), Likelihood(),
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("yes", Assert.Single(result.Predictions).RawOutput);
    }

    [Fact]
    public async Task ABackendWithoutLogProbabilitiesIsRefusedByName()
    {
        var e = await Assert.ThrowsAsync<NotSupportedException>(() => TaskEvaluator.EvaluateAsync(Prepared(Choice(), "no"), "gen-only", new GenerateOnly(), Likelihood(),
            cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("Model 'gen-only'", e.Message);
        Assert.Contains("cannot be scored by likelihood", e.Message);
        Assert.Contains("--scoring generate", e.Message);
    }

    [Fact]
    public async Task ATaskWithoutOptionsCannotBeScoredByLikelihood()
    {
        var task = TestTasks.Echo(fewShot: 0);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => TaskEvaluator.EvaluateAsync(Prepared(task, "w1"), "m", new FixedScorer([0, 0, 0]), Likelihood(),
            cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("no options to score by likelihood", e.Message);
    }

    [Fact]
    public async Task AnItemTooLongForTheContextIsCountedAsRefused()
    {
        var result = await TaskEvaluator.EvaluateAsync(Prepared(Choice(), "no"), "m", new FixedScorer([0, 0, 0]) { TooLong = true }, Likelihood(),
            cancellationToken: TestContext.Current.CancellationToken);
        var p = Assert.Single(result.Predictions);
        Assert.Equal("", p.RawOutput);
        Assert.Null(p.Likelihood);
        Assert.Equal(1, result.RejectedPrompts);
        Assert.Equal(0, result.Scores["exact"]);
    }

    [Fact]
    public async Task ResumeReusesCheckpointedLikelihoodsAndKeepsThemApartFromGeneration()
    {
        var dir = Directory.CreateTempSubdirectory().FullName;
        var first = new FixedScorer([-2.0, -0.8, -1.5]);
        var before = await TaskEvaluator.EvaluateAsync(Prepared(Choice(), "no", "maybe"), "m", first, Likelihood(new Checkpoint(dir, resume: false)),
            cancellationToken: TestContext.Current.CancellationToken);
        var second = new FixedScorer([-9.0, -9.0, -9.0]);
        var after = await TaskEvaluator.EvaluateAsync(Prepared(Choice(), "no", "maybe"), "m", second, Likelihood(new Checkpoint(dir, resume: true)),
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(0, second.Scorings);
        Assert.Equal(PredictionsFile.Serialize(before.Predictions), PredictionsFile.Serialize(after.Predictions));

        // A generation run of the same task and model does not read the likelihood checkpoint as outputs.
        var generated = await TaskEvaluator.EvaluateAsync(Prepared(Choice(), "no", "maybe"), "m", second,
            Likelihood(new Checkpoint(dir, resume: true)) with { Scoring = ScoringMode.Generate }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(2, second.Generations);
        Assert.All(generated.Predictions, p => Assert.Equal("generated", p.RawOutput));
    }

    [Theory]
    [InlineData("MedNLI")]
    [InlineData("LongHealth")]
    [InlineData("PubMedQA")]
    public async Task AnOracleScoredByLikelihoodIsPerfectOnEveryMultipleChoiceTask(string name)
    {
        // The options, the parser and the metrics agree: the option holding the perfect answer is the one scored right.
        var profile = RunProfile.Load("embedded");
        var task = TaskCatalog.Select(new TaskEnvironment(profile.Protocol, profile.IcdCodeList), [name])[0];
        Assert.Contains(name, TaskCatalog.MultipleChoice);
        var prepared = PreparedTask.Load(task, profile.DatasetPath(task.Name, task.DataFile), profile.Protocol);
        var result = await TaskEvaluator.EvaluateAsync(prepared, "oracle", new OracleChatClient("oracle"), Likelihood() with { Protocol = profile.Protocol },
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.All(result.Metrics.Where(m => m.Headline), m => Assert.Equal(1.0, m.Value));
        if (name == "LongHealth")
            // Tasks 2 and 3 add option F, "not in the documents"; task 1 has five options.
            Assert.Equal(new[] { 5, 6 }, result.Predictions.Select(p => p.Likelihood!.Choices.Count).Distinct().Order());
    }

    [Theory]
    [InlineData("tiny-base", 1)]
    [InlineData("tiny-bio", 2)]
    public async Task TheEmbeddedModelsLikelihoodDecisionsDoNotHangOnRounding(string name, int seed)
    {
        // The committed PubMedQA (likelihood) snapshots hold on any CPU only if no decision is a near tie: every item's best
        // option leads the next by far more than float32 rounding between machines (1e-3), summed and per byte.
        var profile = RunProfile.Load("embedded");
        var task = TaskCatalog.Select(new TaskEnvironment(profile.Protocol, profile.IcdCodeList), ["PubMedQA"])[0];
        var prepared = PreparedTask.Load(task, profile.DatasetPath(task.Name, task.DataFile), profile.Protocol);
        var folder = Models.Tiny.TinyModelCache.Ensure(Path.Combine(BioEval.TestSupport.Repository.Root, ".cache", "models", name), seed);
        using var model = new OnnxChatClient(name, folder);
        var result = await TaskEvaluator.EvaluateAsync(prepared, name, model, Likelihood() with { Protocol = profile.Protocol },
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.All(result.Predictions, p =>
        {
            var l = p.Likelihood!;
            static double Gap(IEnumerable<double> values) => values.OrderDescending().Take(2).Aggregate((a, b) => a - b);
            Assert.True(Gap(l.Logprobs) > 1e-3, $"{p.Id}: summed {string.Join(", ", l.Logprobs)}");
            Assert.True(Gap(l.Logprobs.Select((v, i) => v / System.Text.Encoding.UTF8.GetByteCount(l.Choices[i]))) > 1e-3, $"{p.Id}: per byte");
        });
    }

    [Fact]
    public void OnlyTheMultipleChoiceTasksHaveOptionsAndPubMedQaIsScoredBothWaysByDefault()
    {
        var profile = RunProfile.Load("embedded");
        var env = new TaskEnvironment(profile.Protocol, profile.IcdCodeList);
        foreach (var task in TaskCatalog.All(env))
        {
            Assert.Equal(TaskCatalog.MultipleChoice.Contains(task.Name), task.Choices is not null);
            var expected = task.Name == "PubMedQA" ? new[] { ScoringMode.Generate, ScoringMode.Likelihood } : [ScoringMode.Generate];
            Assert.Equal(expected, task.Modes(null));
            Assert.Equal(task.Choices is null ? [ScoringMode.Generate] : new[] { ScoringMode.Likelihood }, task.Modes(ScoringSelection.Likelihood));
        }
    }

    [Fact]
    public async Task ABaselinePutsAllItsProbabilityOnItsOwnAnswer()
    {
        var scores = await new MajorityChatClient("majority", "maybe").ScoreChatAsync([new ChatMessage(ChatRole.User, "q")], ["yes", " maybe", "maybe not"],
            TestContext.Current.CancellationToken);
        Assert.Equal([BaselineChatClient.Unlikely, 0, 0], scores.Select(s => s.LogProb));
    }

    private sealed class HeadlineExact : ISampleMetric
    {
        public IReadOnlyList<MetricInfo> Outputs { get; } = [new("exact", Headline: true)];

        public IReadOnlyDictionary<string, double> Score(ScoringInput input) =>
            new Dictionary<string, double> { ["exact"] = input.Parsed == input.Sample.Reference ? 1 : 0 };
    }

    /// <summary>A backend that scores every item's options with the same log-probabilities and counts its calls.</summary>
    private sealed class FixedScorer(IReadOnlyList<double> logprobs) : IChatClient, ILikelihoodScorer
    {
        public int Generations, Scorings;
        public bool TooLong { get; init; }

        public Task<IReadOnlyList<ContinuationScore>> ScoreAsync(string context, IReadOnlyList<string> continuations, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The evaluator scores chats, not raw contexts.");

        public Task<IReadOnlyList<ContinuationScore>> ScoreChatAsync(IReadOnlyList<ChatMessage> messages, IReadOnlyList<string> continuations, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Scorings);
            if (TooLong) throw new PromptTooLongException("m", 10_000, 100);
            return Task.FromResult<IReadOnlyList<ContinuationScore>>([.. continuations.Select((c, i) => new ContinuationScore(logprobs[i], 1))]);
        }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Generations);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "generated")));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

        public void Dispose() { }
    }

    /// <summary>A backend that can only generate.</summary>
    private sealed class GenerateOnly : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "no")));

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("generate-only") : null;

        public void Dispose() { }
    }
}
