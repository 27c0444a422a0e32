using BioEval.Harness.Runs;
using BioEval.Harness.Tasks;
using BioEval.Models;
using BioEval.Models.Onnx;
using BioEval.Models.Remote;
using BioEval.Models.Tiny;
using BioEval.Server;
using Microsoft.Extensions.AI;

namespace BioEval.Harness.Tests.Remote;

/// <summary>
/// A model served by <c>bioeval serve</c> and driven through the <c>openai</c> kind answers exactly as the same model
/// in process, under greedy decoding, on the embedded tasks: the remote path changes nothing but the transport.
/// </summary>
public sealed class ServeRoundTripTests : IAsyncLifetime
{
    private string _folder = "";
    private OnnxChatClient? _served;
    private ServeHost? _server;

    public async ValueTask InitializeAsync()
    {
        _folder = TinyModelCache.Ensure(Path.Combine(BioEval.TestSupport.Repository.Root, ".cache", "models", "tiny-base"), 1);
        _served = new OnnxChatClient("tiny-base", _folder);
        _server = await ServeHost.StartAsync(_served, new ServeOptions("tiny-base", Port: 0), TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        _served?.Dispose();
    }

    private ModelSpec Remote(bool tokenizer) => new("remote-tiny", "openai", null, new Dictionary<string, string>
    {
        ["endpoint"] = _server!.ApiBase.ToString(),
        ["model"] = "tiny-base",
        ["max_concurrency"] = "16",
    }.Concat(tokenizer ? [new KeyValuePair<string, string>("tokenizer", _folder)] : []).ToDictionary());

    public static TheoryData<string, bool> Tasks() => new()
    {
        { "MedNLI", false }, { "MeQSum", false }, { "NER", false },
        // LongHealth packs its documents to the context: token counts from the tokenizer folder, or from /tokenize.
        { "LongHealth", true }, { "LongHealth", false },
    };

    [Theory]
    [MemberData(nameof(Tasks))]
    public async Task GreedyOutputsThroughServeEqualTheInProcessEngineExactly(string taskName, bool tokenizerFolder)
    {
        var profile = RunProfile.Load("embedded");
        var task = TaskCatalog.Select(new TaskEnvironment(profile.Protocol, profile.IcdCodeList), [taskName])[0];
        var prepared = PreparedTask.Load(task, profile.DatasetPath(task.Name, task.DataFile), profile.Protocol);
        var options = new EvalOptions(DecodingSettings.Greedy, profile.Protocol, Limit: 3, Concurrency: 8);
        var ct = TestContext.Current.CancellationToken;

        using var local = new OnnxChatClient("tiny-base", _folder);
        var inProcess = await TaskEvaluator.EvaluateAsync(prepared, "tiny-base", local, options, cancellationToken: ct);
        using var remote = (RemoteChatClient)ModelFactory.Create(Remote(tokenizerFolder));
        var served = await TaskEvaluator.EvaluateAsync(prepared, "tiny-base", remote, options, cancellationToken: ct);

        Assert.Equal("openai-compatible", served.Backend);
        Assert.Equal(inProcess.Predictions.Select(p => (p.Id, p.PromptHash)), served.Predictions.Select(p => (p.Id, p.PromptHash)));
        Assert.Equal(inProcess.Predictions.Select(p => p.RawOutput), served.Predictions.Select(p => p.RawOutput));
        Assert.Equal(inProcess.Scores, served.Scores);
        // The server's usage is the engine's: the same prompt and completion tokens per request.
        Assert.Equal(inProcess.Predictions.Select(p => (p.Usage?.PromptTokens, p.Usage?.CompletionTokens)),
            served.Predictions.Select(p => (p.Usage?.PromptTokens, p.Usage?.CompletionTokens)));
        Assert.All(served.Predictions.Where(p => p.Error is null), p => Assert.True(p.Usage!.PromptTokens > 0 && p.Usage.LatencySeconds > 0));
        if (taskName == "LongHealth") Assert.Equal(inProcess.PromptBudgets, served.PromptBudgets);
    }

    [Theory]
    [InlineData("PubMedQA")]
    [InlineData("MedNLI")]
    [InlineData("LongHealth")]
    public async Task LikelihoodScoringThroughServeEqualsTheInProcessEngine(string taskName)
    {
        var profile = RunProfile.Load("embedded");
        var task = TaskCatalog.Select(new TaskEnvironment(profile.Protocol, profile.IcdCodeList), [taskName])[0];
        var prepared = PreparedTask.Load(task, profile.DatasetPath(task.Name, task.DataFile), profile.Protocol);
        var options = new EvalOptions(DecodingSettings.Greedy, profile.Protocol, Limit: 3, Concurrency: 8, Scoring: ScoringMode.Likelihood);
        var ct = TestContext.Current.CancellationToken;

        using var local = new OnnxChatClient("tiny-base", _folder);
        var inProcess = await TaskEvaluator.EvaluateAsync(prepared, "tiny-base", local, options, cancellationToken: ct);
        using var remote = (RemoteChatClient)ModelFactory.Create(Remote(tokenizer: true));
        var served = await TaskEvaluator.EvaluateAsync(prepared, "tiny-base", remote, options, cancellationToken: ct);

        Assert.Equal(inProcess.Predictions.Select(p => (p.Id, p.PromptHash, p.Error is null)), served.Predictions.Select(p => (p.Id, p.PromptHash, p.Error is null)));
        Assert.Contains(inProcess.Predictions, p => p.Likelihood is not null);
        foreach (var (a, b) in inProcess.Predictions.Zip(served.Predictions).Where(x => x.First.Likelihood is not null))
        {
            Assert.Equal(a.Likelihood!.Choices, b.Likelihood!.Choices);
            Assert.Equal(a.Likelihood.Tokens, b.Likelihood.Tokens);
            // The server scores whole sequences, the engine continues a copied cache: float32 rounding apart (1e-3).
            foreach (var (x, y) in a.Likelihood.Logprobs.Zip(b.Likelihood.Logprobs)) Assert.Equal(x, y, 0.001);
            // The answer is compared only where the best option leads the next by more than that tolerance.
            var sorted = a.Likelihood.Logprobs.OrderDescending().ToList();
            if (sorted.Count < 2 || sorted[0] - sorted[1] > 0.002) Assert.Equal(a.RawOutput, b.RawOutput);
        }
    }

    [Fact]
    public async Task TheServerCountsTokensAsTheEngineDoes()
    {
        using var remote = (RemoteChatClient)ModelFactory.Create(Remote(tokenizer: false));
        var counter = remote.GetService<ITokenCounter>()!;
        var engine = _served!.GetService<ITokenCounter>()!;
        Assert.Equal(engine.ContextLength, counter.ContextLength);
        const string text = "The patient was admitted with chest pain and shortness of breath.";
        Assert.Equal(engine.CountTokens(text), counter.CountTokens(text));
        Assert.Equal(engine.Truncate(text, 5), counter.Truncate(text, 5));
        Microsoft.Extensions.AI.ChatMessage[] chat = [new(Microsoft.Extensions.AI.ChatRole.System, "Be brief."), new(Microsoft.Extensions.AI.ChatRole.User, text)];
        Assert.Equal(engine.CountChatTokens(chat), counter.CountChatTokens(chat));
        await Task.CompletedTask;
    }
}

/// <summary><c>/v1/completions</c> in its scoring form returns the engine's own prompt log-probabilities, as vLLM lays them out.</summary>
public sealed class ServeCompletionsTests
{
    [Fact]
    public async Task EchoedPromptLogProbabilitiesEqualTheInProcessEngines()
    {
        var folder = TinyModelCache.Ensure(Path.Combine(BioEval.TestSupport.Repository.Root, ".cache", "models", "tiny-base"), 1);
        using var engine = new OnnxChatClient("tiny-base", folder);
        var ct = TestContext.Current.CancellationToken;
        await using var server = await ServeHost.StartAsync(engine, new ServeOptions("tiny-base", Port: 0), ct);
        using var http = new HttpClient();
        const string prompt = "Question: is the patient febrile? Answer: yes";

        var body = new StringContent("""{"model":"tiny-base","prompt":"Question: is the patient febrile? Answer: yes","echo":true,"logprobs":2,"max_tokens":0}""", System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(server.ApiBase, "completions"), body, ct);
        var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement;

        Assert.True(response.IsSuccessStatusCode, json.GetRawText());
        var ids = engine.Tokenizer.Encode(prompt, addSpecialTokens: true);
        var expected = engine.ScorePrompt(ids);
        var choice = json.GetProperty("choices")[0];
        var logprobs = choice.GetProperty("logprobs");
        var tokenLogprobs = logprobs.GetProperty("token_logprobs").EnumerateArray().ToList();
        Assert.Equal(ids.Count, tokenLogprobs.Count);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, tokenLogprobs[0].ValueKind);
        for (var i = 1; i < ids.Count; i++) Assert.Equal(expected.TokenLogProbs[i], tokenLogprobs[i].GetDouble(), 9);
        Assert.Equal(ids.Count, logprobs.GetProperty("tokens").GetArrayLength());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, logprobs.GetProperty("top_logprobs")[0].ValueKind);
        Assert.InRange(logprobs.GetProperty("top_logprobs")[1].EnumerateObject().Count(), 1, 3);
        Assert.Equal(ids.Count, json.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(0, json.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        var generate = new StringContent("""{"model":"tiny-base","prompt":"x","max_tokens":50}""", System.Text.Encoding.UTF8, "application/json");
        using var refused = await http.PostAsync(new Uri(server.ApiBase, "completions"), generate, ct);
        Assert.Equal(400, (int)refused.StatusCode);
        Assert.Contains("for scoring only", await refused.Content.ReadAsStringAsync(ct));
    }
}

/// <summary>Likelihoods through serve and the openai kind equal the in-process engine's; a model without a tokenizer is refused.</summary>
public sealed class RemoteLikelihoodTests
{
    [Fact]
    public async Task ContinuationLogProbabilitiesThroughServeEqualInProcessOnes()
    {
        var folder = TinyModelCache.Ensure(Path.Combine(BioEval.TestSupport.Repository.Root, ".cache", "models", "tiny-base"), 1);
        using var engine = new OnnxChatClient("tiny-base", folder);
        var ct = TestContext.Current.CancellationToken;
        await using var server = await ServeHost.StartAsync(engine, new ServeOptions("tiny-base", Port: 0), ct);
        string[] continuations = [" yes", " no", " maybe so"];
        const string context = "Question: does the drug help? Answer:";

        using var remote = (RemoteChatClient)ModelFactory.Create(new ModelSpec("remote", "openai", null, new Dictionary<string, string>
        {
            ["endpoint"] = server.ApiBase.ToString(), ["model"] = "tiny-base", ["tokenizer"] = folder,
        }));
        var scorer = remote.GetService<ILikelihoodScorer>()!;
        var served = await scorer.ScoreAsync(context, continuations, ct);
        var local = await engine.ScoreAsync(context, continuations, ct);

        Assert.Equal(local.Select(s => s.Tokens), served.Select(s => s.Tokens));
        // The server scores each whole sequence; the engine copies the context's cache: float32 rounding apart.
        for (var i = 0; i < continuations.Length; i++) Assert.Equal(local[i].LogProb, served[i].LogProb, 4);

        using var blind = (RemoteChatClient)ModelFactory.Create(new ModelSpec("blind", "openai", null, new Dictionary<string, string>
        {
            ["endpoint"] = server.ApiBase.ToString(), ["model"] = "tiny-base",
        }));
        var e = await Assert.ThrowsAsync<NotSupportedException>(() => blind.ScoreAsync(context, continuations, ct));
        Assert.Contains("option \"tokenizer\"", e.Message);

        // A server without prompt log-probabilities is refused by name, never scored at chance.
        await using var chatOnly = await StandInServer.StartAsync(TimeSpan.FromMilliseconds(1), ct);
        using var noEcho = (RemoteChatClient)ModelFactory.Create(new ModelSpec("chat-only", "openai", null, new Dictionary<string, string>
        {
            ["endpoint"] = chatOnly.ApiBase.ToString(), ["model"] = "stand-in", ["tokenizer"] = folder,
        }));
        var refused = await Assert.ThrowsAsync<NotSupportedException>(() => noEcho.ScoreAsync(context, continuations, ct));
        Assert.Contains("returns no prompt log-probabilities", refused.Message);
    }
}
