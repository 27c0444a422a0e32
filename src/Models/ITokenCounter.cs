using Microsoft.Extensions.AI;

namespace BioEval.Models;

/// <summary>
/// Counts and cuts text in a model's own tokens. Prompt builders need it to pack documents into a
/// context budget (LongHealth). Obtain it with <c>chatClient.GetService&lt;ITokenCounter&gt;()</c>.
/// </summary>
public interface ITokenCounter
{
    /// <summary>The model's context length in tokens.</summary>
    int ContextLength { get; }

    /// <summary>Number of tokens of <paramref name="text"/>, without special tokens.</summary>
    int CountTokens(string text);

    /// <summary>The longest prefix of <paramref name="text"/> that fits in <paramref name="maxTokens"/> tokens.</summary>
    string Truncate(string text, int maxTokens);

    /// <summary>
    /// Number of tokens the model is sent for <paramref name="messages"/>: the chat as the backend renders and encodes
    /// it (its chat template, the generation prompt, special tokens), so a builder can guarantee that a prompt and its
    /// answer fit the context.
    /// </summary>
    int CountChatTokens(IReadOnlyList<ChatMessage> messages);
}
