using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace BioEval.Models.Tokenization;

/// <summary>
/// A <c>{"String": ...}</c> or <c>{"Regex": ...}</c> pattern of tokenizer.json, matched as Hugging Face's Rust
/// engine (Oniguruma syntax, Unicode code points) matches it. The patterns in current files (<c>\p{L}</c>,
/// <c>\p{N}</c>, <c>(?i:...)</c>, lookahead) mean the same in .NET, with one difference filled here: .NET matches
/// UTF-16 units, so the two halves of an astral character (CJK Extension B, mathematical letters, emoji) are
/// surrogates to it, not letters or symbols. A regex therefore runs over a stand-in text with one BMP character of the
/// same Unicode category per astral code point, and its matches are mapped back to the real text.
/// </summary>
internal sealed class HfPattern
{
    private readonly Regex _regex;
    private readonly bool _categoryStandIns;

    private HfPattern(Regex regex, bool categoryStandIns)
    {
        _regex = regex;
        _categoryStandIns = categoryStandIns;
    }

    public static HfPattern FromJson(JsonElement pattern, string where)
    {
        if (pattern.ValueKind == JsonValueKind.Object)
        {
            if (pattern.TryGetProperty("String", out var s) && s.ValueKind == JsonValueKind.String)
                return Literal(s.GetString()!);
            if (pattern.TryGetProperty("Regex", out var r) && r.ValueKind == JsonValueKind.String)
            {
                try
                {
                    return FromRegex(r.GetString()!);
                }
                catch (ArgumentException e)
                {
                    throw new InvalidDataException($"{where}: the regex {r.GetRawText()} does not compile here ({e.Message}).", e);
                }
            }
        }
        throw new InvalidDataException($"{where}: pattern must be {{\"String\": ...}} or {{\"Regex\": ...}}, got {pattern.GetRawText()}.");
    }

    /// <summary>A literal text, matched as it is (no stand-ins: the literal may itself be an astral character).</summary>
    public static HfPattern Literal(string text) => new(new Regex(Regex.Escape(text), RegexOptions.CultureInvariant), false);

    /// <summary>A regular expression in Hugging Face's syntax.</summary>
    public static HfPattern FromRegex(string pattern) =>
        new(new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled), !pattern.Any(char.IsSurrogate));

    /// <summary>The non-empty matches, left to right, as (start, length) in <paramref name="text"/>.</summary>
    public List<(int Start, int Length)> Matches(string text)
    {
        var result = new List<(int, int)>();
        if (!_categoryStandIns || !text.Any(char.IsSurrogate))
        {
            foreach (Match m in _regex.Matches(text))
                if (m.Length > 0) result.Add((m.Index, m.Length));
            return result;
        }
        // starts[i] is where stand-in character i begins in the real text; starts[^1] is the text's length.
        var standIn = new StringBuilder(text.Length);
        var starts = new List<int>(text.Length + 1);
        for (var i = 0; i < text.Length;)
        {
            starts.Add(i);
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                standIn.Append(StandIn(CharUnicodeInfo.GetUnicodeCategory(text, i)));
                i += 2;
            }
            else standIn.Append(text[i++]);
        }
        starts.Add(text.Length);
        foreach (Match m in _regex.Matches(standIn.ToString()))
            if (m.Length > 0) result.Add((starts[m.Index], starts[m.Index + m.Length] - starts[m.Index]));
        return result;
    }

    /// <summary>Every match replaced by <paramref name="content"/>, taken literally.</summary>
    public string Replace(string text, string content)
    {
        var matches = Matches(text);
        if (matches.Count == 0) return text;
        var sb = new StringBuilder(text.Length);
        var pos = 0;
        foreach (var (start, length) in matches)
        {
            sb.Append(text, pos, start - pos).Append(content);
            pos = start + length;
        }
        return sb.Append(text, pos, text.Length - pos).ToString();
    }

    /// <summary>A BMP character of the given category that no pattern names by itself.</summary>
    internal static char StandIn(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter => '\u0100',
        UnicodeCategory.LowercaseLetter => '\u0101',
        UnicodeCategory.TitlecaseLetter => '\u01C5',
        UnicodeCategory.ModifierLetter => '\u02B0',
        UnicodeCategory.OtherLetter => '\u05D0',
        UnicodeCategory.NonSpacingMark => '\u0300',
        UnicodeCategory.SpacingCombiningMark => '\u0903',
        UnicodeCategory.EnclosingMark => '\u20DD',
        UnicodeCategory.DecimalDigitNumber => '\u0660',
        UnicodeCategory.LetterNumber => '\u2160',
        UnicodeCategory.OtherNumber => '\u00B2',
        UnicodeCategory.SpaceSeparator => '\u2000',
        UnicodeCategory.LineSeparator => '\u2028',
        UnicodeCategory.ParagraphSeparator => '\u2029',
        UnicodeCategory.Control => '\u0001',
        UnicodeCategory.Format => '\u00AD',
        UnicodeCategory.PrivateUse => '\uE000',
        UnicodeCategory.ConnectorPunctuation => '\u203F',
        UnicodeCategory.DashPunctuation => '\u2010',
        UnicodeCategory.OpenPunctuation => '\u2045',
        UnicodeCategory.ClosePunctuation => '\u2046',
        UnicodeCategory.InitialQuotePunctuation => '\u00AB',
        UnicodeCategory.FinalQuotePunctuation => '\u00BB',
        UnicodeCategory.OtherPunctuation => '\u00A1',
        UnicodeCategory.MathSymbol => '\u00AC',
        UnicodeCategory.CurrencySymbol => '\u00A2',
        UnicodeCategory.ModifierSymbol => '\u02C2',
        UnicodeCategory.OtherSymbol => '\u00A6',
        _ => '\u0378', // unassigned
    };
}
