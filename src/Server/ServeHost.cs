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
        app.MapPost("/tokenize", host.Tokenize);
        app.MapPost("/detokenize", host.Detokenize);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        host.Address = new Uri(address.TrimEnd('/') + "/");
        return host;
    }

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
