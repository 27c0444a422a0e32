using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace BioEval.Models.Baselines;

/// <summary>
/// Base of the weight-free baseline models. They answer synchronously from the chat alone, behind the
/// same <see cref="IChatClient"/> as real models, so the harness cannot tell them apart.
/// </summary>
public abstract class BaselineChatClient(string name, int contextLength = 8192) : IChatClient
{
    private readonly ApproximateTokenCounter _tokens = new(contextLength);

    /// <summary>The registry name of this model.</summary>
    public string Name { get; } = name;

    /// <summary>The harness's facts about the chats this model is sent (see <see cref="AnswerKey"/>).</summary>
    protected AnswerKey Key { get; } = new();

    /// <summary>The answer to a chat; <paramref name="facts"/> are the harness's facts about it, when registered.</summary>
    protected abstract string Answer(IReadOnlyList<ChatMessage> messages, SampleFacts? facts);

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var facts = Key.Find(messages);
        var text = Answer(messages.ToList(), facts);
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text)) { ModelId = Name, FinishReason = ChatFinishReason.Stop });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates()) yield return update;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType.IsInstanceOfType(this) ? this
        : serviceType == typeof(ITokenCounter) ? _tokens
        : serviceType == typeof(AnswerKey) ? Key
        : serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("baseline", defaultModelId: Name)
        : null;

    public void Dispose() => GC.SuppressFinalize(this);

    /// <summary>The text of the last user turn (the question being asked).</summary>
    protected static string LastUserText(IReadOnlyList<ChatMessage> messages) =>
        messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "";
}
