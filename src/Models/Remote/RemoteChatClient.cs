#pragma warning disable SCME0001 // ChatCompletionOptions.Patch: the one way to send max_tokens, which every server reads
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using BioEval.Models.Templates;
using BioEval.Models.Tokenization;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace BioEval.Models.Remote;

/// <summary>
/// A model on an OpenAI-compatible server, through Microsoft.Extensions.AI.OpenAI's <see cref="IChatClient"/>, so the
/// harness drives it like any other backend. What this adds around that client:
/// <list type="bullet">
/// <item>Decoding maps exactly and is always sent: <c>temperature</c> (0 for greedy: vLLM otherwise takes the model's
/// generation_config.json defaults), <c>top_p</c> and <c>seed</c> when sampling, and the task's limit as
/// <c>max_tokens</c> (the field vLLM, TGI and SGLang all read; the OpenAI client would write
/// <c>max_completion_tokens</c>).</item>
/// <item>At most <see cref="RemoteOptions.MaxConcurrency"/> requests in flight, so the server's continuous batching
/// is fed without flooding it.</item>
/// <item>Retries with exponential backoff and jitter (Polly; a <c>Retry-After</c> header is honoured) after 429, 5xx,
/// a per-attempt timeout or a dropped connection; never after another 4xx, which would fail again.</item>
/// <item>A 400 that says the prompt exceeds the context becomes <see cref="PromptTooLongException"/>: counted as
/// refused, like the in-process engine's refusal.</item>
/// <item>Latency per request in the response's additional properties (<see cref="ResponseKeys.LatencySeconds"/>), beside the
/// server's token usage.</item>
/// <item>Token counts, for LongHealth's packing, from the model's own tokenizer files when the entry names them,
/// else from the server's <c>/tokenize</c> endpoint (vLLM), else none: such a task then refuses the model.</item>
/// </list>
/// </summary>
public sealed partial class RemoteChatClient : IChatClient, ILikelihoodScorer
{
    private readonly IChatClient _inner;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _slots;
    private readonly ResiliencePipeline _pipeline;
    private readonly Lazy<ITokenCounter?> _tokens;
    private readonly ChatClientMetadata _metadata;

    /// <param name="name">The registry name.</param>
    /// <param name="options">Where and how to reach the server.</param>
    /// <param name="handler">The HTTP handler (tests put a stand-in here); null for the default.</param>
    /// <param name="retryDelay">The first retry's delay before backoff and jitter (default half a second).</param>
    public RemoteChatClient(string name, RemoteOptions options, HttpMessageHandler? handler = null, TimeSpan? retryDelay = null)
    {
        Name = name;
        Options = options;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        // Polly owns the timeout: the client's own is a backstop beyond it.
        _http.Timeout = options.Timeout + TimeSpan.FromSeconds(30);
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = options.Endpoint,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = options.Timeout + TimeSpan.FromSeconds(30),
            Transport = new HttpClientPipelineTransport(_http),
        };
        _inner = new OpenAIClient(new ApiKeyCredential(options.ApiKey ?? "none"), clientOptions).GetChatClient(options.Model).AsIChatClient();
        _slots = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
        var builder = new ResiliencePipelineBuilder();
        if (options.MaxRetries > 0)
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = retryDelay ?? TimeSpan.FromMilliseconds(500),
                MaxDelay = TimeSpan.FromSeconds(30),
                ShouldHandle = new PredicateBuilder()
                    .Handle<ClientResultException>(e => e.Status is 429 or >= 500 or 0)
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>(),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Exception)),
            });
        _pipeline = builder.AddTimeout(options.Timeout).Build();
        _tokens = new Lazy<ITokenCounter?>(CreateTokenCounter);
        _metadata = new ChatClientMetadata("openai-compatible", options.Endpoint, options.Model);
    }

    /// <summary>The registry name of the model.</summary>
    public string Name { get; }

    public RemoteOptions Options { get; }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var request = Request(options);
        await _slots.WaitAsync(cancellationToken);
        try
        {
            var clock = Stopwatch.StartNew();
            var response = await _pipeline.ExecuteAsync(async token => await _inner.GetResponseAsync(list, request, token), cancellationToken);
            (response.AdditionalProperties ??= [])[ResponseKeys.LatencySeconds] = clock.Elapsed.TotalSeconds;
            return response;
        }
        catch (ClientResultException e) when (e.Status == 400 && LengthRefusal().IsMatch(ServerMessage(e)))
        {
            throw new PromptTooLongException(Name, ServerMessage(e));
        }
        catch (ClientResultException e)
        {
            throw new RemoteServerException($"Model '{Name}': {Options.Endpoint} answered {(e.Status == 0 ? "nothing" : $"HTTP {e.Status}")}"
                + $"{(e.Status is 429 or >= 500 or 0 ? $" after {Options.MaxRetries + 1} attempt(s)" : "")}: {ServerMessage(e)}", e);
        }
        catch (TimeoutRejectedException e)
        {
            throw TimedOut(e);
        }
        catch (HttpRequestException e)
        {
            throw new RemoteServerException($"Model '{Name}': cannot reach {Options.Endpoint} ({Options.MaxRetries + 1} attempt(s)): {e.Message}", e);
        }
        finally
        {
            _slots.Release();
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates()) yield return update;
    }

    /// <summary>
    /// The request's options: the harness's decoding, with temperature always present and the generation limit moved
    /// into <c>max_tokens</c>.
    /// </summary>
    internal static ChatOptions Request(ChatOptions? options)
    {
        var request = options?.Clone() ?? new ChatOptions();
        request.Temperature ??= 0f;
        var limit = request.MaxOutputTokens;
        request.MaxOutputTokens = null;
        request.RawRepresentationFactory = _ =>
        {
            var raw = new ChatCompletionOptions();
            if (limit is { } max) raw.Patch.Set("$.max_tokens"u8, max);
            return raw;
        };
        return request;
    }

    // vLLM: "This model's maximum context length is 4096 tokens. However, you requested ..."; TGI: "`inputs` tokens +
    // `max_new_tokens` must be <= 4096"; SGLang: "... is longer than the model's context length ..."; bioeval serve says
    // "exceeds the model's context".
    [GeneratedRegex(@"context length|maximum context|must be <=|context of \d+ tokens|exceeds the model's context|max_model_len", RegexOptions.IgnoreCase)]
    private static partial Regex LengthRefusal();

    /// <summary>
    /// What the server said: the <c>message</c> of its error body (OpenAI's <c>{"error": {"message"}}</c>, vLLM's
    /// <c>{"message"}</c>, TGI's <c>{"error": "..."}</c>), else the client's first line.
    /// </summary>
    private static string ServerMessage(ClientResultException e)
    {
        try
        {
            if (e.GetRawResponse()?.Content is { } content)
            {
                using var doc = JsonDocument.Parse(content.ToMemory());
                var root = doc.RootElement;
                if (root.TryGetProperty("error", out var error))
                {
                    if (error.ValueKind == JsonValueKind.String) return error.GetString()!;
                    if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var nested) && nested.ValueKind == JsonValueKind.String) return nested.GetString()!;
                }
                if (root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String) return message.GetString()!;
            }
        }
        catch (Exception x) when (x is JsonException or InvalidOperationException)
        {
        }
        return e.Message.Split('\n', 2)[0].Trim();
    }

    /// <summary>The error of a request whose every attempt ran past the timeout (generation and likelihood alike).</summary>
    private RemoteServerException TimedOut(TimeoutRejectedException e) =>
        new($"Model '{Name}': {Options.Endpoint} did not answer within {Options.Timeout.TotalSeconds:0} s ({Options.MaxRetries + 1} attempt(s)).", e);

    private static TimeSpan? RetryAfter(Exception? e) =>
        e is ClientResultException { Status: 429 } c && c.GetRawResponse() is { } raw
            && raw.Headers.TryGetValue("Retry-After", out var value) && int.TryParse(value, out var seconds) && seconds is >= 0 and <= 120
            ? TimeSpan.FromSeconds(seconds) : null;

    private ITokenCounter? CreateTokenCounter()
    {
        if (Options.TokenizerFolder is { } folder)
        {
            var tokenizer = HfTokenizer.FromDirectory(folder);
            var template = ChatTemplate.FromTokenizerConfig(Path.Combine(folder, "tokenizer_config.json"));
            var prompt = new ChatPrompt(tokenizer, template);
            var context = Options.ContextLength ?? ServedContextLength()
                ?? throw new ArgumentException($"Model '{Name}': the server does not report its context length; give option \"context_length\".");
            return new TokenCounter(tokenizer, context, messages => prompt.Encode(messages).Count);
        }
        return ServerTokenCounter.TryCreate(this);
    }

    /// <summary>The <c>max_model_len</c> vLLM lists for the model on <c>GET /models</c>, or null.</summary>
    internal int? ServedContextLength()
    {
        try
        {
            using var doc = JsonDocument.Parse(_http.GetStringAsync(new Uri(Options.Endpoint, "models")).GetAwaiter().GetResult());
            foreach (var m in doc.RootElement.GetProperty("data").EnumerateArray())
                if (m.TryGetProperty("id", out var id) && id.GetString() == Options.Model && m.TryGetProperty("max_model_len", out var len) && len.TryGetInt32(out var n))
                    return n;
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException or TaskCanceledException)
        {
        }
        return null;
    }

    /// <summary>POSTs JSON to a path beside the API base's parent (vLLM serves /tokenize at the root, not under /v1).</summary>
    internal JsonDocument? PostRoot(string path, object body)
    {
        var root = new Uri(Options.Endpoint, Options.Endpoint.AbsolutePath.TrimEnd('/').EndsWith("/v1", StringComparison.Ordinal) ? "../" : "./");
        using var response = _http.PostAsJsonAsync(new Uri(root, path), body).GetAwaiter().GetResult();
        if (!response.IsSuccessStatusCode) return null;
        return JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
    }

    /// <summary>
    /// Likelihoods through the server's <c>/v1/completions</c> as vLLM answers it: each context + continuation sent as
    /// token ids (split by the entry's own tokenizer as lm-evaluation-harness splits them) with <c>echo</c>,
    /// <c>logprobs</c> and <c>max_tokens: 0</c>; the continuation's share of <c>token_logprobs</c> summed. Each request
    /// goes through the same gate, retries and timeout as generation. Refused, with a message, without a tokenizer or
    /// when the server returns no prompt log-probabilities.
    /// </summary>
    public async Task<IReadOnlyList<Onnx.ContinuationScore>> ScoreAsync(string context, IReadOnlyList<string> continuations, CancellationToken cancellationToken = default)
    {
        var tokenizer = LikelihoodTokenizer();
        var (contextIds, continuationIds) = Onnx.ContinuationScoring.Encode(tokenizer, context, continuations);
        var scores = new List<Onnx.ContinuationScore>();
        foreach (var ids in continuationIds)
        {
            if (ids.Count == 0) { scores.Add(new Onnx.ContinuationScore(0, 0)); continue; }
            await _slots.WaitAsync(cancellationToken);
            try
            {
                var (status, body) = await _pipeline.ExecuteAsync(async token =>
                {
                    using var response = await _http.PostAsJsonAsync(new Uri(Options.Endpoint, "completions"), new
                    {
                        model = Options.Model, prompt = contextIds.Concat(ids), echo = true, logprobs = 1, max_tokens = 0, temperature = 0,
                    }, token);
                    // Busy or failing servers are retried like generation; any other answer is read as it is.
                    if ((int)response.StatusCode is 429 or >= 500)
                        throw new HttpRequestException($"HTTP {(int)response.StatusCode}", null, response.StatusCode);
                    return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(token));
                }, cancellationToken);
                if (status == 400 && LengthRefusal().IsMatch(body)) throw new PromptTooLongException(Name, body);
                var logprobs = PromptLogprobs(status, body, contextIds.Count + ids.Count)
                    ?? throw new NotSupportedException($"Model '{Name}': {Options.Endpoint} returns no prompt log-probabilities for /v1/completions with echo (HTTP {status}); it cannot be scored by likelihood.");
                var sum = 0.0;
                for (var i = contextIds.Count; i < contextIds.Count + ids.Count; i++) sum += logprobs[i].GetDouble();
                scores.Add(new Onnx.ContinuationScore(sum, ids.Count));
            }
            catch (TimeoutRejectedException e)
            {
                throw TimedOut(e);
            }
            catch (HttpRequestException e)
            {
                throw new RemoteServerException($"Model '{Name}': {Options.Endpoint} {(e.StatusCode is { } code ? $"answered HTTP {(int)code}" : "cannot be reached")} ({Options.MaxRetries + 1} attempt(s)): {e.Message}", e);
            }
            finally
            {
                _slots.Release();
            }
        }
        return scores;
    }

    /// <summary>The chat rendered with the template of the entry's tokenizer files (what vLLM's chat API would render), then scored.</summary>
    public Task<IReadOnlyList<Onnx.ContinuationScore>> ScoreChatAsync(IReadOnlyList<ChatMessage> messages, IReadOnlyList<string> continuations, CancellationToken cancellationToken = default)
    {
        LikelihoodTokenizer();
        var template = _template ??= ChatTemplate.FromTokenizerConfig(Path.Combine(Options.TokenizerFolder!, "tokenizer_config.json"));
        return ScoreAsync(template.RenderChat([.. messages.Select(m => (m.Role.Value, m.Text))], addGenerationPrompt: true), continuations, cancellationToken);
    }

    private ChatTemplate? _template;

    private HfTokenizer LikelihoodTokenizer() => Options.TokenizerFolder is { } folder
        ? _tokenizer ??= HfTokenizer.FromDirectory(folder)
        : throw new NotSupportedException($"Model '{Name}': likelihood scoring sends token ids, split by the model's own tokenizer; give the entry option \"tokenizer\".");

    /// <summary>The <c>token_logprobs</c> of a successful echo answer covering the whole prompt, else null.</summary>
    private static JsonElement? PromptLogprobs(int status, string body, int promptTokens)
    {
        if (status is < 200 or >= 300) return null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            var logprobs = doc.RootElement.GetProperty("choices")[0].GetProperty("logprobs").GetProperty("token_logprobs");
            return logprobs.ValueKind == JsonValueKind.Array && logprobs.GetArrayLength() == promptTokens ? logprobs.Clone() : null;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private HfTokenizer? _tokenizer;

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType.IsInstanceOfType(this) ? this
        : serviceType == typeof(ChatClientMetadata) ? _metadata
        : serviceType == typeof(ITokenCounter) ? _tokens.Value
        : null;

    public void Dispose()
    {
        _inner.Dispose();
        _http.Dispose();
        _slots.Dispose();
    }
}

/// <summary>A server that could not be reached, timed out, or refused a request for a reason other than its length.</summary>
public sealed class RemoteServerException(string message, Exception inner) : IOException(message, inner);
