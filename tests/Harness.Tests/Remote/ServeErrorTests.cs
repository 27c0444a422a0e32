using System.Net;
using System.Text;
using BioEval.Models;
using BioEval.Models.Baselines;
using BioEval.Server;
using Microsoft.Extensions.AI;

namespace BioEval.Harness.Tests.Remote;

/// <summary><c>bioeval serve</c> answers every failure in the OpenAI error shape with the status a client expects.</summary>
public sealed class ServeErrorTests
{
    /// <summary>A model that answers when released, refuses a prompt containing "LONG" for length, and counts tokens roughly.</summary>
    private sealed class HeldModel : IChatClient
    {
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var text = string.Join(" ", messages.Select(m => m.Text));
            if (text.Contains("LONG", StringComparison.Ordinal)) throw new PromptTooLongException("held", 9000, 4096);
            Entered.TrySetResult();
            await Release.Task.WaitAsync(cancellationToken);
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, "an answer")) { Usage = new UsageDetails { InputTokenCount = 3, OutputTokenCount = 2 } };
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => serviceType == typeof(ITokenCounter) ? new ApproximateTokenCounter(4096) : null;

        public void Dispose() { }
    }

    private static StringContent Chat(string model, string text, bool stream = false) => new(
        $$"""{"model":"{{model}}","messages":[{"role":"user","content":"{{text}}"}],"temperature":0,"stream":{{(stream ? "true" : "false")}}}""",
        Encoding.UTF8, "application/json");

    [Fact]
    public async Task MalformedUnknownTooLongAndBusyRequestsGetTheirStatusesAndNoPromptTextIsLogged()
    {
        var ct = TestContext.Current.CancellationToken;
        var model = new HeldModel();
        var log = new StringWriter();
        await using var server = await ServeHost.StartAsync(model, new ServeOptions("held", Port: 0, MaxQueue: 1, Log: TextWriter.Synchronized(log)), ct);
        using var http = new HttpClient();
        var url = new Uri(server.ApiBase, "chat/completions");

        async Task<(HttpStatusCode Status, string Type, string Message)> Error(HttpContent content)
        {
            using var r = await http.PostAsync(url, content, ct);
            var error = System.Text.Json.JsonDocument.Parse(await r.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("error");
            return (r.StatusCode, error.GetProperty("type").GetString()!, error.GetProperty("message").GetString()!);
        }

        var malformed = await Error(new StringContent("{not json", Encoding.UTF8, "application/json"));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request_error"), (malformed.Status, malformed.Type));
        var unknown = await Error(Chat("other", "hello"));
        Assert.Equal((HttpStatusCode.NotFound, "not_found_error"), (unknown.Status, unknown.Type));
        Assert.Contains("`other` does not exist", unknown.Message);
        var tooLong = await Error(Chat("held", "LONG secret-prompt-text"));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.Status);
        Assert.Contains("exceeds the model's context", tooLong.Message);

        // One request in flight fills a queue of one: the next is turned away with 429 until it finishes.
        var first = http.PostAsync(url, Chat("held", "secret-prompt-text"), ct);
        await model.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
        var busy = await Error(Chat("held", "secret-prompt-text"));
        Assert.Equal((HttpStatusCode.TooManyRequests, "rate_limit_error"), (busy.Status, busy.Type));
        model.Release.SetResult();
        using (var ok = await first) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        // Streamed and plain answers carry the same text.
        using var plain = await http.PostAsync(url, Chat("held", "again"), ct);
        var plainText = System.Text.Json.JsonDocument.Parse(await plain.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();
        using var streamed = await http.PostAsync(url, Chat("held", "again", stream: true), ct);
        var events = (await streamed.Content.ReadAsStringAsync(ct)).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("data: [DONE]", events[^1]);
        var joined = string.Concat(events[..^1].Select(e => System.Text.Json.JsonDocument.Parse(e["data: ".Length..]).RootElement.GetProperty("choices"))
            .SelectMany(c => c.EnumerateArray()).Select(c => c.GetProperty("delta").TryGetProperty("content", out var d) ? d.GetString() : ""));
        Assert.Equal(plainText, joined);

        var lines = log.ToString();
        Assert.Contains(" 429 ", lines);
        Assert.Contains(" 404 ", lines);
        Assert.DoesNotContain("secret-prompt-text", lines);
    }
}
