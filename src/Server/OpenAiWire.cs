using System.Text.Json;
using System.Text.Json.Serialization;

namespace BioEval.Server;

/// <summary>The request and response shapes of the OpenAI API that <c>bioeval serve</c> speaks (snake_case on the wire).</summary>
public static class OpenAiWire
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public sealed record ChatRequest(
        string? Model,
        List<WireMessage>? Messages,
        double? Temperature,
        double? TopP,
        long? Seed,
        int? MaxTokens,
        int? MaxCompletionTokens,
        bool? Stream,
        StreamOptions? StreamOptions);

    public sealed record WireMessage(string? Role, JsonElement? Content);

    public sealed record StreamOptions(bool? IncludeUsage);

    /// <summary>A legacy completion request; <c>prompt</c> is a string or an array of token ids.</summary>
    public sealed record CompletionRequest(string? Model, JsonElement? Prompt, bool? Echo, int? Logprobs, int? MaxTokens, double? Temperature);

    public sealed record CompletionLogprobs(IReadOnlyList<string> Tokens, IReadOnlyList<double?> TokenLogprobs,
        IReadOnlyList<Dictionary<string, double>?> TopLogprobs, IReadOnlyList<int> TextOffset);

    public sealed record CompletionChoice(int Index, string Text, CompletionLogprobs? Logprobs, string FinishReason);

    public sealed record Completion(string Id, string Object, long Created, string Model, IReadOnlyList<CompletionChoice> Choices, Usage Usage);

    public sealed record TokenizeRequest(string? Model, string? Prompt, List<WireMessage>? Messages, bool? AddSpecialTokens, bool? AddGenerationPrompt);

    public sealed record DetokenizeRequest(string? Model, List<int>? Tokens);

    public sealed record Usage(int PromptTokens, int CompletionTokens, int TotalTokens);

    public sealed record Choice(int Index, AssistantMessage Message, string FinishReason);

    public sealed record AssistantMessage(string Role, string Content);

    public sealed record ChatCompletion(string Id, string Object, long Created, string Model, IReadOnlyList<Choice> Choices, Usage Usage);

    public sealed record Delta(string? Role = null, string? Content = null);

    public sealed record ChunkChoice(int Index, Delta Delta, string? FinishReason);

    public sealed record ChatChunk(string Id, string Object, long Created, string Model, IReadOnlyList<ChunkChoice> Choices, Usage? Usage = null);

    public sealed record ModelCard(string Id, string Object, long Created, string OwnedBy, int MaxModelLen);

    public sealed record ModelList(string Object, IReadOnlyList<ModelCard> Data);

    public sealed record ErrorBody(ErrorDetail Error);

    public sealed record ErrorDetail(string Message, string Type, string? Param, int Code);

    /// <summary>The OpenAI error shape: <c>{"error": {"message", "type", "param", "code"}}</c>.</summary>
    public static ErrorBody Error(int status, string message, string? param = null) => new(new ErrorDetail(message, status switch
    {
        400 => "invalid_request_error",
        404 => "not_found_error",
        429 => "rate_limit_error",
        _ => "server_error",
    }, param, status));

    /// <summary>The text of a message's content: a string, or the text parts of a content array.</summary>
    public static string? Text(JsonElement? content) => content switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString(),
        { ValueKind: JsonValueKind.Array } parts => string.Concat(parts.EnumerateArray()
            .Where(p => p.TryGetProperty("type", out var t) && t.GetString() == "text" && p.TryGetProperty("text", out _))
            .Select(p => p.GetProperty("text").GetString())),
        _ => null,
    };
}
