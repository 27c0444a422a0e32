namespace BioEval.Models.Tokenization;

/// <summary>An entry of tokenizer.json's <c>added_tokens</c>.</summary>
internal sealed record AddedToken(int Id, string Content, bool Special, bool LStrip, bool RStrip, bool SingleWord, bool Normalized);

/// <summary>A stretch of input: either an added token or plain text to normalize, pre-tokenize and BPE.</summary>
internal readonly record struct Section(int Start, string Text, AddedToken? Token);

/// <summary>
/// Finds added tokens in the input as whole units, leftmost-longest like Hugging Face's AddedVocabulary,
/// honouring single_word (no word character on either side) and lstrip/rstrip (the token swallows the
/// whitespace on that side). Gap filled: the library's special-token handling matches plain strings only.
/// Tokens marked normalized are matched on the raw text too; that equals Hugging Face whenever the
/// normalizer leaves the token's text unchanged (always so for byte-level files, which have no normalizer).
/// </summary>
internal sealed class AddedTokenSplitter
{
    private readonly Dictionary<char, AddedToken[]> _byFirstChar;

    public AddedTokenSplitter(IEnumerable<AddedToken> tokens)
    {
        _byFirstChar = tokens.Where(t => t.Content.Length > 0)
            .GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());
    }

    public List<Section> Split(string text)
    {
        var matches = new List<(int Start, int End, AddedToken Token)>();
        for (var i = 0; i < text.Length; i++)
        {
            if (!_byFirstChar.TryGetValue(text[i], out var candidates)) continue;
            foreach (var t in candidates)
            {
                if (!text.AsSpan(i).StartsWith(t.Content, StringComparison.Ordinal)) continue;
                var end = i + t.Content.Length;
                if (t.SingleWord && ((i > 0 && IsWordChar(text[i - 1])) || (end < text.Length && IsWordChar(text[end]))))
                    continue;
                matches.Add((i, end, t));
                i = end - 1;
                break;
            }
        }

        var sections = new List<Section>();
        var pos = 0;
        for (var m = 0; m < matches.Count; m++)
        {
            var (start, end, token) = matches[m];
            var textStart = start;
            if (token.LStrip)
                while (textStart > pos && char.IsWhiteSpace(text[textStart - 1])) textStart--;
            if (textStart > pos) sections.Add(new Section(pos, text[pos..textStart], null));
            var limit = m + 1 < matches.Count ? matches[m + 1].Start : text.Length;
            if (token.RStrip)
                while (end < limit && char.IsWhiteSpace(text[end])) end++;
            sections.Add(new Section(start, token.Content, token));
            pos = end;
        }
        if (pos < text.Length) sections.Add(new Section(pos, text[pos..], null));
        return sections;
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';
}
