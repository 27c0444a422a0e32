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
