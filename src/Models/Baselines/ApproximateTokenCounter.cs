using Microsoft.Extensions.AI;
using System.Text.RegularExpressions;

namespace BioEval.Models.Baselines;

/// <summary>
/// Token counting for models without a tokenizer: a word or a single punctuation mark is one token.
/// Close enough to subword counts for budget packing with baselines; real models use their tokenizer.
/// </summary>
public sealed partial class ApproximateTokenCounter(int contextLength) : ITokenCounter
{
    public int ContextLength { get; } = contextLength;

    public int CountTokens(string text) => Pieces().Count(text);

    /// <summary>Baselines have no chat template: a chat is its messages' texts.</summary>
    public int CountChatTokens(IReadOnlyList<ChatMessage> messages) => messages.Sum(m => CountTokens(m.Text));

    public string Truncate(string text, int maxTokens)
    {
        if (maxTokens <= 0) return "";
        var n = 0;
        foreach (var m in Pieces().EnumerateMatches(text))
            if (++n > maxTokens) return text[..m.Index];
        return text;
    }

    [GeneratedRegex(@"\w+|[^\w\s]")]
    private static partial Regex Pieces();
}
