using System.Text.Json;
using BioEval.Models.Onnx;
using BioEval.Models.Tiny;
using BioEval.Server;
using BioEval.TestSupport;

namespace BioEval.Harness.Tests.Remote;

/// <summary>The official OpenAI client (npm <c>openai</c>) talks to <c>bioeval serve</c> as to any OpenAI-compatible server.</summary>
public sealed class OfficialClientTests
{
    [Fact]
    public async Task ModelsCompletionStreamUsageAndAnUnknownModelWorkThroughTheOfficialClient()
    {
        if (!File.Exists(Path.Combine(Repository.ReferenceModules, "openai", "index.mjs")))
            Assert.Skip("The npm openai client is not installed; run tools/reference/fetch.sh.");
        var folder = TinyModelCache.Ensure(Path.Combine(Repository.Root, ".cache", "models", "tiny-bio"), 2);
        using var engine = new OnnxChatClient("tiny-bio", folder);
        await using var server = await ServeHost.StartAsync(engine, new ServeOptions("tiny-bio", Port: 0), TestContext.Current.CancellationToken);

        // The script blocks this thread; the server answers on others.
        var output = await Task.Run(() => NodeScript.Run("openai-client.mjs", [server.ApiBase.ToString(), "tiny-bio"], "the official OpenAI client check"),
            TestContext.Current.CancellationToken);
        var result = JsonDocument.Parse(output).RootElement;

        Assert.Equal(["tiny-bio"], result.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
        var text = result.GetProperty("text").GetString()!;
        Assert.Equal(text, result.GetProperty("streamed").GetString());
        Assert.Equal(result.GetProperty("finish_reason").GetString(), result.GetProperty("stream_finish_reason").GetString());
        var usage = result.GetProperty("usage");
        Assert.True(usage.GetProperty("prompt_tokens").GetInt32() > 0);
        Assert.InRange(usage.GetProperty("completion_tokens").GetInt32(), 1, 24);
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32() + usage.GetProperty("completion_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32());
        Assert.Equal(usage.GetRawText(), result.GetProperty("stream_usage").GetRawText());
        Assert.Equal(404, result.GetProperty("not_found").GetProperty("status").GetInt32());
        Assert.Equal("not_found_error", result.GetProperty("not_found").GetProperty("type").GetString());

        // The same greedy request in process gives the same text.
        var direct = await engine.GetResponseAsync(
            [new(Microsoft.Extensions.AI.ChatRole.System, "You answer briefly."), new(Microsoft.Extensions.AI.ChatRole.User, "Name one symptom of asthma.")],
            new Microsoft.Extensions.AI.ChatOptions { Temperature = 0f, MaxOutputTokens = 24 }, TestContext.Current.CancellationToken);
        Assert.Equal(direct.Text, text);
    }
}
