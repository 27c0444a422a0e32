using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BioEval.Models;
using BioEval.Models.Onnx;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static BioEval.Server.OpenAiWire;

namespace BioEval.Server;

/// <summary>What <c>bioeval serve</c> serves and where.</summary>
/// <param name="Name">The served model name (the <c>model</c> field clients send).</param>
/// <param name="Host">The address to listen on (loopback by default: the engine is not meant to face a network).</param>
/// <param name="Port">The port; 0 picks a free one.</param>
/// <param name="MaxQueue">Requests accepted at once; beyond that the server answers 429.</param>
/// <param name="Log">Where the one line per request goes (never prompt text); null for none.</param>
public sealed record ServeOptions(string Name, string Host = "127.0.0.1", int Port = 8000, int MaxQueue = 256, TextWriter? Log = null);

/// <summary>
/// <c>bioeval serve</c>: BioEval's engine behind the OpenAI API, so other tools (and BioEval's own <c>openai</c>
/// kind) can use it. <c>GET /v1/models</c>; <c>POST /v1/chat/completions</c>, plain or streamed as server-sent events
/// (with <c>stream_options.include_usage</c>); vLLM's <c>POST /tokenize</c> and <c>/detokenize</c>. Concurrent
/// requests go to the one engine, which batches them. Errors use the OpenAI error shape: malformed JSON 400, unknown
/// model 404, a prompt beyond the context 400 saying so, a full queue 429.
/// </summary>
public sealed class ServeHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IChatClient _model;
    private readonly ServeOptions _options;
    private readonly OnnxChatClient? _engine;
    private readonly ITokenCounter _tokens;
    private int _inFlight;

    private ServeHost(WebApplication app, IChatClient model, ServeOptions options)
    {
        _app = app;
        _model = model;
        _options = options;
        _engine = model.GetService<OnnxChatClient>();
        _tokens = model.GetService<ITokenCounter>() ?? throw new ArgumentException($"Model '{options.Name}' cannot count tokens, which serving needs.");
    }

    /// <summary>The address the server listens on, e.g. <c>http://127.0.0.1:8000/</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The OpenAI API base clients are given (<see cref="Address"/> + <c>v1/</c>).</summary>
    public Uri ApiBase => new(Address, "v1/");

    /// <summary>Starts serving <paramref name="model"/> (owned by the caller).</summary>
    public static async Task<ServeHost> StartAsync(IChatClient model, ServeOptions options, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://{options.Host}:{options.Port}"));
        var app = builder.Build();
        var host = new ServeHost(app, model, options);
        app.MapGet("/v1/models", host.Models);
        app.MapPost("/v1/chat/completions", host.ChatCompletions);
        app.MapPost("/v1/completions", host.Completions);
        app.MapPost("/tokenize", host.Tokenize);
        app.MapPost("/detokenize", host.Detokenize);
        await app.StartAsync(cancellationToken);
        host.Address = BoundAddress(app);
        return host;
    }

    /// <summary>The address a started app listens on (the real port when 0 was asked for), with a trailing slash.</summary>
    internal static Uri BoundAddress(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/");

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled (Ctrl+C in the verb).</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private IResult Models() => Results.Json(new ModelList("list",
        [new ModelCard(_options.Name, "model", DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "bioeval", _tokens.ContextLength)]), Json);

    private async Task ChatCompletions(HttpContext http)
    {
        var clock = Stopwatch.StartNew();
        var status = 200;
        var usage = "";
        if (Interlocked.Increment(ref _inFlight) > _options.MaxQueue)
        {
            Interlocked.Decrement(ref _inFlight);
            await Fail(http, status = 429, $"The server is busy ({_options.MaxQueue} requests in flight); retry later.");
            LogLine(http, status, clock, usage);
            return;
        }
        try
        {
            ChatRequest? request;
            try
            {
                request = await JsonSerializer.DeserializeAsync<ChatRequest>(http.Request.Body, Json, http.RequestAborted);
            }
            catch (JsonException e)
            {
                await Fail(http, status = 400, $"Malformed JSON: {e.Message}");
                return;
            }
            if (request is null || request.Messages is not { Count: > 0 })
            {
                await Fail(http, status = 400, "The request needs \"messages\", a non-empty array.", "messages");
                return;
            }
            if (request.Model != _options.Name)
            {
                await Fail(http, status = 404, $"The model `{request.Model}` does not exist. This server serves `{_options.Name}`.", "model");
                return;
            }
            var messages = new List<ChatMessage>();
            foreach (var m in request.Messages)
            {
                if (m.Role is not ("system" or "user" or "assistant") || Text(m.Content) is not { } content)
                {
                    await Fail(http, status = 400, "Each message needs a role (system, user or assistant) and text content.", "messages");
                    return;
                }
                messages.Add(new ChatMessage(new ChatRole(m.Role), content));
            }
            var options = new ChatOptions
            {
                Temperature = (float)(request.Temperature ?? 1.0),
                TopP = request.TopP is { } p ? (float)p : null,
                Seed = request.Seed,
                MaxOutputTokens = request.MaxTokens ?? request.MaxCompletionTokens,
            };
            ChatResponse response;
            try
            {
                response = await _model.GetResponseAsync(messages, options, http.RequestAborted);
            }
            catch (PromptTooLongException e)
            {
                await Fail(http, status = 400, $"{e.Message} The prompt exceeds the model's context.", "messages");
                return;
            }
            var text = response.Text;
            var prompt = (int)(response.Usage?.InputTokenCount ?? 0);
            var completion = (int)(response.Usage?.OutputTokenCount ?? 0);
            usage = string.Create(CultureInfo.InvariantCulture, $" prompt_tokens={prompt} completion_tokens={completion}");
            var wireUsage = new Usage(prompt, completion, prompt + completion);
            var finish = response.FinishReason == ChatFinishReason.Length ? "length" : "stop";
            var id = "chatcmpl-" + Guid.NewGuid().ToString("N");
            var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            if (request.Stream != true)
            {
                await http.Response.WriteAsJsonAsync(new ChatCompletion(id, "chat.completion", created, _options.Name,
                    [new Choice(0, new AssistantMessage("assistant", text), finish)], wireUsage), Json, http.RequestAborted);
                return;
            }
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            async Task Event(object chunk)
            {
                await http.Response.WriteAsync("data: " + JsonSerializer.Serialize(chunk, Json) + "\n\n", http.RequestAborted);
                await http.Response.Body.FlushAsync(http.RequestAborted);
            }
            await Event(new ChatChunk(id, "chat.completion.chunk", created, _options.Name, [new ChunkChoice(0, new Delta(Role: "assistant", Content: ""), null)]));
            if (text.Length > 0) await Event(new ChatChunk(id, "chat.completion.chunk", created, _options.Name, [new ChunkChoice(0, new Delta(Content: text), null)]));
            await Event(new ChatChunk(id, "chat.completion.chunk", created, _options.Name, [new ChunkChoice(0, new Delta(), finish)]));
            if (request.StreamOptions?.IncludeUsage == true) await Event(new ChatChunk(id, "chat.completion.chunk", created, _options.Name, [], wireUsage));
            await http.Response.WriteAsync("data: [DONE]\n\n", http.RequestAborted);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            if (status != 429) LogLine(http, status, clock, usage);
        }
    }

    /// <summary>
    /// <c>POST /v1/completions</c> in its scoring form, as vLLM answers it: the prompt (text, encoded with the
    /// tokenizer's special tokens as vLLM does, or token ids) with <c>echo</c>, <c>logprobs</c> and <c>max_tokens</c> 0
    /// or 1 returns every prompt token's log-probability (null for the first), the top alternatives per position, and
    /// for <c>max_tokens: 1</c> the greedy next token. Longer raw generation is refused with a message: the chat
    /// endpoint is the generation path.
    /// </summary>
    private async Task Completions(HttpContext http)
    {
        var clock = Stopwatch.StartNew();
        var status = 200;
        try
        {
            var request = await Read<CompletionRequest>(http);
            if (request is null) { status = 400; return; }
            if (request.Model != _options.Name)
            {
                await Fail(http, status = 404, $"The model `{request.Model}` does not exist. This server serves `{_options.Name}`.", "model");
                return;
            }
            if (_engine is null)
            {
                await Fail(http, status = 400, "This model cannot score prompts.");
                return;
            }
            var maxTokens = request.MaxTokens ?? 16;
            if (maxTokens is < 0 or > 1 || (maxTokens == 1 && request.Temperature is not (null or 0)))
            {
                await Fail(http, status = 400, "bioeval serve answers /v1/completions for scoring only: max_tokens 0, or 1 with temperature 0; generate through /v1/chat/completions.", "max_tokens");
                return;
            }
            IReadOnlyList<int> ids;
            switch (request.Prompt)
            {
                case { ValueKind: JsonValueKind.String } text:
                    ids = _engine.Tokenizer.Encode(text.GetString()!, addSpecialTokens: true);
                    break;
                case { ValueKind: JsonValueKind.Array } array when array.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number):
                    ids = [.. array.EnumerateArray().Select(e => e.GetInt32())];
                    break;
                default:
                    await Fail(http, status = 400, "\"prompt\" must be a string or an array of token ids (one prompt per request).", "prompt");
                    return;
            }
            if (ids.Count == 0)
            {
                await Fail(http, status = 400, "The prompt is empty.", "prompt");
                return;
            }
            PromptScores scores;
            try
            {
                scores = _engine.ScorePrompt(ids, Math.Max(0, request.Logprobs ?? 0));
            }
            catch (PromptTooLongException e)
            {
                await Fail(http, status = 400, $"{e.Message} The prompt exceeds the model's context.", "prompt");
                return;
            }
            var all = maxTokens == 1 ? [.. ids, scores.NextToken.Token] : ids.ToList();
            var pieces = all.Select(t => _engine.Tokenizer.Decode([t], skipSpecialTokens: false)).ToList();
            var echo = request.Echo == true;
            var shown = echo ? Enumerable.Range(0, all.Count) : Enumerable.Range(ids.Count, all.Count - ids.Count);
            CompletionLogprobs? logprobs = null;
            if (request.Logprobs is not null)
            {
                var offsets = new List<int>();
                var offset = 0;
                var top = new List<Dictionary<string, double>?>();
                foreach (var i in shown)
                {
                    offsets.Add(offset);
                    offset += pieces[i].Length;
                    top.Add(i == 0 ? null : i < ids.Count
                        ? Alternatives(scores.TopLogProbs.Count > i ? scores.TopLogProbs[i] : [], pieces[i], scores.TokenLogProbs[i])
                        : new Dictionary<string, double> { [pieces[i]] = scores.NextToken.LogProb });
                }
                logprobs = new CompletionLogprobs([.. shown.Select(i => pieces[i])],
                    [.. shown.Select(i => i == 0 ? (double?)null : i < ids.Count ? scores.TokenLogProbs[i] : scores.NextToken.LogProb)], top, offsets);
            }
            var completion = maxTokens == 1 ? 1 : 0;
            await http.Response.WriteAsJsonAsync(new Completion("cmpl-" + Guid.NewGuid().ToString("N"), "text_completion", DateTimeOffset.UtcNow.ToUnixTimeSeconds(), _options.Name,
                [new CompletionChoice(0, string.Concat(shown.Select(i => pieces[i])), logprobs, "length")], new Usage(ids.Count, completion, ids.Count + completion)), Json, http.RequestAborted);
        }
        finally
        {
            LogLine(http, status, clock, "");
        }
    }

    // The top alternatives of one position, with the actual token always among them (as vLLM reports it).
    private Dictionary<string, double>? Alternatives(IReadOnlyList<(int Token, double LogProb)> top, string actual, double actualLogProb)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (token, logProb) in top) result.TryAdd(_engine!.Tokenizer.Decode([token], skipSpecialTokens: false), logProb);
        result.TryAdd(actual, actualLogProb);
        return result;
    }

    private async Task Tokenize(HttpContext http)
    {
        var request = await Read<TokenizeRequest>(http);
        if (request is null) return;
        if (request.Model is { } model && model != _options.Name)
        {
            await Fail(http, 404, $"The model `{model}` does not exist.", "model");
            return;
        }
        if (_engine is null)
        {
            await Fail(http, 400, "This model has no tokenizer to expose.");
            return;
        }
        IReadOnlyList<int> ids = request.Messages is { Count: > 0 } messages
            ? _engine.EncodePrompt(messages.Select(m => new ChatMessage(new ChatRole(m.Role ?? "user"), Text(m.Content) ?? "")))
            : _engine.Tokenizer.Encode(request.Prompt ?? "", request.AddSpecialTokens ?? true);
        await http.Response.WriteAsJsonAsync(new { count = ids.Count, max_model_len = _tokens.ContextLength, tokens = ids }, Json, http.RequestAborted);
    }

    private async Task Detokenize(HttpContext http)
    {
        var request = await Read<DetokenizeRequest>(http);
        if (request is null) return;
        if (_engine is null)
        {
            await Fail(http, 400, "This model has no tokenizer to expose.");
            return;
        }
        await http.Response.WriteAsJsonAsync(new { prompt = _engine.Tokenizer.Decode(request.Tokens ?? [], skipSpecialTokens: false) }, Json, http.RequestAborted);
    }

    private static async Task<T?> Read<T>(HttpContext http) where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(http.Request.Body, Json, http.RequestAborted)
                ?? throw new JsonException("empty body");
        }
        catch (JsonException e)
        {
            await Fail(http, 400, $"Malformed JSON: {e.Message}");
            return null;
        }
    }

    private static Task Fail(HttpContext http, int status, string message, string? param = null)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(Error(status, message, param), Json, http.RequestAborted);
    }

    private void LogLine(HttpContext http, int status, Stopwatch clock, string usage) =>
        _options.Log?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {http.Request.Method} {http.Request.Path} {status} {clock.Elapsed.TotalMilliseconds:F0} ms{usage}"));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
