using Microsoft.Extensions.AI;

namespace BioEval.Models.Tokenization;

/// <summary>
/// Counts and cuts text in a model's own tokens (without BOS/EOS), so prompt packing budgets match what the
/// model will actually see.
/// </summary>
public sealed class TokenCounter : ITokenCounter
{
    private readonly HfTokenizer _tokenizer;
    private readonly Func<IReadOnlyList<ChatMessage>, int>? _chatTokens;

    /// <param name="tokenizer">the model's tokenizer</param>
    /// <param name="contextLength">the model's context length</param>
    /// <param name="chatTokens">the backend's own count of a chat as it is sent (template, special tokens); without
    /// one, a chat counts the tokens of its messages' texts only, as a raw prompt without template would</param>
    public TokenCounter(HfTokenizer tokenizer, int contextLength, Func<IReadOnlyList<ChatMessage>, int>? chatTokens = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(contextLength);
        _tokenizer = tokenizer;
        ContextLength = contextLength;
        _chatTokens = chatTokens;
    }

    public int ContextLength { get; }

    public int CountTokens(string text) => _tokenizer.Encode(text, addSpecialTokens: false).Count;

    public int CountChatTokens(IReadOnlyList<ChatMessage> messages) =>
        _chatTokens?.Invoke(messages) ?? messages.Sum(m => CountTokens(m.Text));

    public string Truncate(string text, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (maxTokens <= 0) return "";
        var ids = _tokenizer.Encode(text, addSpecialTokens: false);
        if (ids.Count <= maxTokens) return text;

        // Decoding the first maxTokens ids gives the prefix in almost all cases; a cut inside a character's
        // bytes decodes to U+FFFD, which is dropped.
        var prefix = _tokenizer.Decode(ids.Take(maxTokens), skipSpecialTokens: false);
        while (prefix.Length > 0 && !text.StartsWith(prefix, StringComparison.Ordinal) && prefix[^1] == '\uFFFD')
            prefix = prefix[..^1];
        if (text.StartsWith(prefix, StringComparison.Ordinal) && CountTokens(prefix) <= maxTokens) return prefix;

        // Otherwise (e.g. the extra '▁' SentencePiece-style files put after special tokens) search the longest
        // prefix by length; token counts grow with prefix length.
        int lo = 0, hi = text.Length;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (CountTokens(text[..mid]) <= maxTokens) lo = mid;
            else hi = mid - 1;
        }
        return text[..lo];
    }
}
