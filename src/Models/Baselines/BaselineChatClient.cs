using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace BioEval.Models.Baselines;

/// <summary>
/// Base of the weight-free baseline models. They answer synchronously from the chat alone, behind the
/// same <see cref="IChatClient"/> as real models, so the harness cannot tell them apart.
/// </summary>
/// <remarks>
/// Likelihood scoring (<see cref="ILikelihoodScorer"/>) treats a baseline as the deterministic answerer it is: all its
/// probability is on its own answer, so a continuation that starts with that answer (trimmed, non-empty; the oracle's
/// "The correct answer is B:" starts LongHealth's option B) has log-probability 0 and every other
/// <see cref="Unlikely"/>: finite, so that result files stay plain JSON. A baseline whose answer starts no continuation
/// gives them all the same value, and the first is taken.
/// </remarks>
public abstract class BaselineChatClient(string name, int contextLength = 8192) : IChatClient, ILikelihoodScorer
{
    /// <summary>The log-probability a baseline gives a continuation other than its answer.</summary>
    public const double Unlikely = -10_000;

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

    public Task<IReadOnlyList<Onnx.ContinuationScore>> ScoreChatAsync(IReadOnlyList<ChatMessage> messages, IReadOnlyList<string> continuations, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var answer = Answer(messages, Key.Find(messages)).Trim();
        return Task.FromResult<IReadOnlyList<Onnx.ContinuationScore>>([.. continuations.Select(c => new Onnx.ContinuationScore(
            answer.Length > 0 && c.Trim().StartsWith(answer, StringComparison.Ordinal) ? 0 : Unlikely, _tokens.CountTokens(c)))]);
    }

    /// <summary>A raw context is scored as the chat of one user turn.</summary>
    public Task<IReadOnlyList<Onnx.ContinuationScore>> ScoreAsync(string context, IReadOnlyList<string> continuations, CancellationToken cancellationToken = default) =>
        ScoreChatAsync([new ChatMessage(ChatRole.User, context)], continuations, cancellationToken);

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
