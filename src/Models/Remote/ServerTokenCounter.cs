using Microsoft.Extensions.AI;

namespace BioEval.Models.Remote;

/// <summary>
/// Token counts from the server itself: vLLM's <c>POST /tokenize</c> (text, or a chat with its template and the
/// generation prompt) and <c>POST /detokenize</c>, with the context length from <c>GET /v1/models</c>. Created only
/// when the server answers all three.
/// </summary>
internal sealed class ServerTokenCounter(RemoteChatClient client, int contextLength) : ITokenCounter
{
    public int ContextLength { get; } = contextLength;

    public static ServerTokenCounter? TryCreate(RemoteChatClient client)
    {
        var context = client.Options.ContextLength ?? client.ServedContextLength();
        if (context is null) return null;
        var counter = new ServerTokenCounter(client, context.Value);
        try
        {
            counter.Ids("probe");
            return counter;
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or System.Text.Json.JsonException or TaskCanceledException)
        {
            return null;
        }
    }

    public int CountTokens(string text) => Ids(text).Count;

    public int CountChatTokens(IReadOnlyList<ChatMessage> messages)
    {
        using var doc = client.PostRoot("tokenize", new
        {
            model = client.Options.Model,
            messages = messages.Select(m => new { role = m.Role.Value, content = m.Text }),
            add_generation_prompt = true,
        }) ?? throw new InvalidOperationException($"Model '{client.Name}': the server's /tokenize refused a chat.");
        return doc.RootElement.GetProperty("count").GetInt32();
    }

    public string Truncate(string text, int maxTokens)
    {
        if (maxTokens <= 0) return "";
        var ids = Ids(text);
        if (ids.Count <= maxTokens) return text;
        using var doc = client.PostRoot("detokenize", new { model = client.Options.Model, tokens = ids.Take(maxTokens) })
            ?? throw new InvalidOperationException($"Model '{client.Name}': the server's /detokenize refused.");
        return doc.RootElement.GetProperty("prompt").GetString() ?? "";
    }

    private List<int> Ids(string text)
    {
        using var doc = client.PostRoot("tokenize", new { model = client.Options.Model, prompt = text, add_special_tokens = false })
            ?? throw new InvalidOperationException($"Model '{client.Name}': the server has no /tokenize endpoint.");
        return [.. doc.RootElement.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32())];
    }
}
