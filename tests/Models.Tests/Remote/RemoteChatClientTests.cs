using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using BioEval.Models.Remote;
using Microsoft.Extensions.AI;

namespace BioEval.Models.Tests.Remote;

/// <summary>The openai kind sends exactly the harness's decoding, feeds the server concurrently, retries only what can succeed.</summary>
public sealed class RemoteChatClientTests
{
    private static RemoteOptions Options(int concurrency = 8, int retries = 3, int timeoutSeconds = 30) =>
        new(new Uri("http://stand-in:8000/v1/"), "served-model", null, concurrency, TimeSpan.FromSeconds(timeoutSeconds), retries, null, null);

    private static string Completion(string text, int prompt = 7, int completion = 2) => $$$"""
        {"id":"c1","object":"chat.completion","created":1,"model":"served-model",
         "choices":[{"index":0,"message":{"role":"assistant","content":"{{{text}}}"},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":{{{prompt}}},"completion_tokens":{{{completion}}},"total_tokens":{{{prompt + completion}}}}}
        """;

    /// <summary>A stand-in server: answers each request with the next scripted reply, records bodies and concurrency.</summary>
    private sealed class StandIn(params Func<HttpResponseMessage>[] replies) : HttpMessageHandler
    {
        private int _next;
        private int _inFlight;
        public ConcurrentQueue<string> Bodies { get; } = new();
        public int MaxInFlight;
        public TimeSpan Delay { get; init; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var now = Interlocked.Increment(ref _inFlight);
            InterlockedMax(ref MaxInFlight, now);
            try
            {
                Bodies.Enqueue(request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken));
                if (Delay > TimeSpan.Zero) await Task.Delay(Delay, cancellationToken);
                var index = Interlocked.Increment(ref _next) - 1;
                return replies[Math.Min(index, replies.Length - 1)]();
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            for (var seen = target; value > seen; seen = target)
                if (Interlocked.CompareExchange(ref target, value, seen) == seen) return;
        }
    }

    private static Func<HttpResponseMessage> Ok(string text = "hello") =>
        () => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Completion(text), Encoding.UTF8, "application/json") };

    private static Func<HttpResponseMessage> Status(int code, string message = "error") =>
        () => new HttpResponseMessage((HttpStatusCode)code)
        {
            Content = new StringContent($$"""{"object":"error","message":"{{message}}","type":"BadRequestError","code":{{code}}}""", Encoding.UTF8, "application/json"),
        };

    private static Task<ChatResponse> Ask(RemoteChatClient client, ChatOptions options) =>
        client.GetResponseAsync([new ChatMessage(ChatRole.User, "Summarise.")], options, TestContext.Current.CancellationToken);

    [Fact]
    public async Task GreedyDecodingSendsTemperatureZeroAndTheLimitAsMaxTokensAndNothingElse()
    {
        var server = new StandIn(Ok());
        using var client = new RemoteChatClient("m", Options(), server);
        var response = await Ask(client, new ChatOptions { Temperature = 0f, MaxOutputTokens = 512 });

        var body = JsonDocument.Parse(Assert.Single(server.Bodies)).RootElement;
        Assert.Equal("served-model", body.GetProperty("model").GetString());
        Assert.Equal(0, body.GetProperty("temperature").GetDouble());
        Assert.Equal(512, body.GetProperty("max_tokens").GetInt32());
        Assert.False(body.TryGetProperty("max_completion_tokens", out _));
        Assert.False(body.TryGetProperty("seed", out _));
        Assert.False(body.TryGetProperty("top_p", out _));
        Assert.Equal("hello", response.Text);
        Assert.Equal(7, response.Usage!.InputTokenCount);
        Assert.Equal(2, response.Usage.OutputTokenCount);
        Assert.IsType<double>(response.AdditionalProperties![ResponseKeys.LatencySeconds]);
    }

    [Fact]
    public async Task SeededSamplingSendsSeedTemperatureAndTopP()
    {
        var server = new StandIn(Ok());
        using var client = new RemoteChatClient("m", Options(), server);
        await Ask(client, new ChatOptions { Temperature = 1f, TopP = 0.9f, Seed = 12345, MaxOutputTokens = 20 });
        var body = JsonDocument.Parse(Assert.Single(server.Bodies)).RootElement;
        Assert.Equal(1, body.GetProperty("temperature").GetDouble());
        Assert.Equal(0.9, body.GetProperty("top_p").GetDouble(), 6);
        Assert.Equal(12345, body.GetProperty("seed").GetInt64());
        Assert.Equal(20, body.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public async Task AnUnsetTemperatureIsSentAsZeroSoTheServerNeverPicksItsOwnDefault()
    {
        var server = new StandIn(Ok());
        using var client = new RemoteChatClient("m", Options(), server);
        await Ask(client, new ChatOptions());
        Assert.Equal(0, JsonDocument.Parse(Assert.Single(server.Bodies)).RootElement.GetProperty("temperature").GetDouble());
    }

    [Theory]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task ThrottlingAndServerErrorsAreRetriedWithBackoff(int status)
    {
        var server = new StandIn(Status(status), Status(status), Ok("third time"));
        using var client = new RemoteChatClient("m", Options(retries: 3), server, retryDelay: TimeSpan.FromMilliseconds(5));
        Assert.Equal("third time", (await Ask(client, new ChatOptions())).Text);
        Assert.Equal(3, server.Bodies.Count);
    }

    [Fact]
    public async Task LikelihoodRequestsAreRetriedLikeGenerationAndThenScored()
    {
        var folder = BioEval.Models.Tiny.TinyModelCache.Ensure(Path.Combine(BioEval.TestSupport.Repository.Root, ".cache", "models", "tiny-base"), 1);
        var tokenizer = BioEval.Models.Tokenization.HfTokenizer.FromDirectory(folder);
        var (context, continuations) = BioEval.Models.Onnx.ContinuationScoring.Encode(tokenizer, "Is it?", [" yes"]);
        var length = context.Count + continuations[0].Count;
        // The echoed prompt's log-probabilities: null for the first token, as vLLM writes it, then -0.25 each.
        var echoed = $$$"""{"choices":[{"index":0,"text":"","logprobs":{"token_logprobs":[null{{{string.Concat(Enumerable.Repeat(",-0.25", length - 1))}}}]}}]}""";
        var server = new StandIn(Status(503), Status(429),
            () => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(echoed, Encoding.UTF8, "application/json") });
        using var client = new RemoteChatClient("m", Options(retries: 3) with { TokenizerFolder = folder }, server, retryDelay: TimeSpan.FromMilliseconds(5));
        var score = Assert.Single(await client.ScoreAsync("Is it?", [" yes"], TestContext.Current.CancellationToken));
        Assert.Equal(3, server.Bodies.Count);
        Assert.Equal(continuations[0].Count, score.Tokens);
        Assert.Equal(-0.25 * continuations[0].Count, score.LogProb, 12);
    }

    [Fact]
    public async Task LikelihoodRetriesEndInAServerErrorNotAChanceScore()
    {
        var folder = BioEval.Models.Tiny.TinyModelCache.Ensure(Path.Combine(BioEval.TestSupport.Repository.Root, ".cache", "models", "tiny-base"), 1);
        var server = new StandIn(Status(503, "overloaded"));
        using var client = new RemoteChatClient("m", Options(retries: 2) with { TokenizerFolder = folder }, server, retryDelay: TimeSpan.FromMilliseconds(5));
        var e = await Assert.ThrowsAsync<RemoteServerException>(() => client.ScoreAsync("Is it?", [" yes"], TestContext.Current.CancellationToken));
        Assert.Equal(3, server.Bodies.Count);
        Assert.Contains("HTTP 503", e.Message);
        Assert.Contains("3 attempt(s)", e.Message);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    [InlineData(422)]
    public async Task OtherClientErrorsAreNotRetriedAndSayWhatTheServerSaid(int status)
    {
        var server = new StandIn(Status(status, "The model `served-model` does not exist."), Ok());
        using var client = new RemoteChatClient("m", Options(retries: 3), server, retryDelay: TimeSpan.FromMilliseconds(5));
        var e = await Assert.ThrowsAsync<RemoteServerException>(() => Ask(client, new ChatOptions()));
        Assert.Single(server.Bodies);
        Assert.Contains($"answered HTTP {status}", e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public async Task RetriesEndAndTheLastErrorIsReported()
    {
        var server = new StandIn(Status(503, "overloaded"));
        using var client = new RemoteChatClient("m", Options(retries: 2), server, retryDelay: TimeSpan.FromMilliseconds(5));
        var e = await Assert.ThrowsAsync<RemoteServerException>(() => Ask(client, new ChatOptions()));
        Assert.Equal(3, server.Bodies.Count);
        Assert.Contains("answered HTTP 503 after 3 attempt(s)", e.Message);
    }

    [Theory]
    [InlineData("This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4488 in the messages, 512 in the completion).")]
    [InlineData("Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: 4000 `inputs` tokens and 512 `max_new_tokens`")]
    public async Task APromptTheServerRefusesForLengthIsARefusalNotAFailure(string message)
    {
        var server = new StandIn(Status(400, message));
        using var client = new RemoteChatClient("m", Options(), server, retryDelay: TimeSpan.FromMilliseconds(5));
        var e = await Assert.ThrowsAsync<PromptTooLongException>(() => Ask(client, new ChatOptions()));
        Assert.Contains("refused the prompt for its length", e.Message);
        Assert.Single(server.Bodies);
    }

    [Fact]
    public async Task AnAttemptThatTimesOutIsRetried()
    {
        var calls = 0;
        var slowThenFast = new DelayThenAnswer(() => Interlocked.Increment(ref calls) == 1 ? TimeSpan.FromSeconds(10) : TimeSpan.Zero);
        using var client = new RemoteChatClient("m", Options(retries: 1, timeoutSeconds: 1), slowThenFast, retryDelay: TimeSpan.FromMilliseconds(5));
        Assert.Equal("hello", (await Ask(client, new ChatOptions())).Text);
        Assert.Equal(2, calls);
    }

    private sealed class DelayThenAnswer(Func<TimeSpan> delay) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Delay(delay(), cancellationToken);
            return Ok()();
        }
    }

    [Fact]
    public async Task AtMostMaxConcurrencyRequestsAreInFlightAndThatManyAre()
    {
        var server = new StandIn(Ok()) { Delay = TimeSpan.FromMilliseconds(50) };
        using var client = new RemoteChatClient("m", Options(concurrency: 4), server);
        await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => Ask(client, new ChatOptions())));
        Assert.Equal(24, server.Bodies.Count);
        Assert.Equal(4, server.MaxInFlight);
    }

    [Fact]
    public void TheRegistryKindChecksItsOptions()
    {
        var spec = new ModelSpec("remote", "openai", null, new Dictionary<string, string> { ["endpoint"] = "localhost:8000", ["max_concurrency"] = "0", ["modle"] = "x" });
        var problems = ModelFactory.Problems(spec, "models.json:3 model 'remote'");
        Assert.Contains(problems, p => p.Contains("option \"endpoint\" must be an http(s) URL"));
        Assert.Contains(problems, p => p.Contains("option \"max_concurrency\" must be an integer of at least 1"));
        Assert.Contains(problems, p => p.Contains("unknown option \"modle\" for kind openai (did you mean model?)"));
        Assert.Contains(problems, p => p.Contains("kind openai needs option \"model\""));
    }
}
