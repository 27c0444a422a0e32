using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BioEval.Models.Tokenization;

/// <summary>
/// The <c>normalizer</c> of tokenizer.json as a text-to-text function: NFC, NFD, NFKC, NFKD, Lowercase, Strip,
/// StripAccents, Replace, Prepend, BertNormalizer and Sequence, each as Hugging Face's Rust <c>tokenizers</c> applies
/// it; any other type is refused. Gap filled: Microsoft.ML.Tokenizers has no reader for Hugging Face normalizer
/// configs, and Hugging Face applies the normalizer to each stretch of text between added tokens separately,
/// which is what makes Llama 2 / Mistral put '▁' after every special token.
/// </summary>
internal sealed class HfNormalizer
{
    /// <summary>The normalizer types implemented here.</summary>
    public static readonly IReadOnlyList<string> Types =
        ["Sequence", "Prepend", "Replace", "NFC", "NFD", "NFKC", "NFKD", "Lowercase", "Strip", "StripAccents", "BertNormalizer"];

    private readonly Func<string, string> _apply;

    private HfNormalizer(Func<string, string> apply) => _apply = apply;

    public static HfNormalizer? FromJson(JsonElement node, string where)
    {
        if (node.ValueKind == JsonValueKind.Null || node.ValueKind == JsonValueKind.Undefined) return null;
        return new HfNormalizer(Build(node, where));
    }

    public string Normalize(string text) => _apply(text);

    private static Func<string, string> Build(JsonElement node, string where)
    {
        var type = HfJson.Type(node, where);
        switch (type)
        {
            case "Sequence":
                var steps = node.GetProperty("normalizers").EnumerateArray().Select((n, i) => Build(n, $"{where}.normalizers[{i}]")).ToArray();
                return text => steps.Aggregate(text, (t, f) => f(t));
            case "Prepend":
                var prefix = node.GetProperty("prepend").GetString()!;
                // Hugging Face prepends only to non-empty text.
                return text => text.Length == 0 ? text : prefix + text;
            case "Replace":
                var pattern = HfPattern.FromJson(node.GetProperty("pattern"), $"{where}.pattern");
                var content = node.GetProperty("content").GetString()!;
                return text => pattern.Replace(text, content);
            case "NFC": return text => UnicodeForms.Normalize(text, NormalizationForm.FormC);
            case "NFD": return text => UnicodeForms.Normalize(text, NormalizationForm.FormD);
            case "NFKC": return text => UnicodeForms.Normalize(text, NormalizationForm.FormKC);
            case "NFKD": return text => UnicodeForms.Normalize(text, NormalizationForm.FormKD);
            case "Lowercase": return Lowercase;
            case "Strip":
                var left = HfJson.Bool(node, "strip_left", false);
                var right = HfJson.Bool(node, "strip_right", false);
                return text => left && right ? text.Trim() : left ? text.TrimStart() : right ? text.TrimEnd() : text;
            case "StripAccents":
                // Removes every combining mark (Mn, Mc, Me), unlike BERT's own accent stripping (Mn only); files pair
                // it with an NFD step before it.
                return RemoveCombiningMarks;
            case "BertNormalizer":
                return Bert(
                    cleanText: HfJson.Bool(node, "clean_text", true),
                    chineseChars: HfJson.Bool(node, "handle_chinese_chars", true),
                    stripAccents: node.TryGetProperty("strip_accents", out var sa) && sa.ValueKind is JsonValueKind.True or JsonValueKind.False ? sa.GetBoolean() : null,
                    lowercase: HfJson.Bool(node, "lowercase", true));
            default:
                throw HfJson.Unsupported(where, "normalizer", type, Types);
        }
    }

    /// <summary>
    /// BERT's normalizer in Hugging Face's order: drop NUL, U+FFFD and other control/format characters and map
    /// whitespace to ' ' (clean_text); surround CJK ideographs with spaces; strip accents (NFD, then drop non-spacing
    /// marks; by default when lowercasing); lowercase.
    /// </summary>
    private static Func<string, string> Bert(bool cleanText, bool chineseChars, bool? stripAccents, bool lowercase) => text =>
    {
        if (cleanText) text = CleanText(text);
        if (chineseChars) text = SpaceChineseChars(text);
        if (stripAccents ?? lowercase) text = RemoveNonSpacingMarks(UnicodeForms.Normalize(text, NormalizationForm.FormD));
        if (lowercase) text = Lowercase(text);
        return text;
    };

    private static string CleanText(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            var c = rune.Value;
            if (c is '\t' or '\n' or '\r' || Rune.IsWhiteSpace(rune))
            {
                // \v, \f and U+0085 are control characters as well as whitespace: dropped, as the filter comes first.
                if (c is '\t' or '\n' or '\r' || !IsOther(rune)) sb.Append(' ');
                continue;
            }
            if (c == 0 || c == 0xFFFD || IsOther(rune)) continue;
            sb.Append(rune.ToString());
        }
        return sb.ToString();
    }

    // Unicode "Other" (C*): control, format, surrogate, private use, unassigned.
    private static bool IsOther(Rune r) => Rune.GetUnicodeCategory(r) is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;

    private static string SpaceChineseChars(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsChineseChar(rune.Value)) sb.Append(' ').Append(rune.ToString()).Append(' ');
            else sb.Append(rune.ToString());
        }
        return sb.ToString();
    }

    /// <summary>The CJK ideograph blocks BERT puts spaces around (CJK Unified Ideographs and extensions A–E, compatibility).</summary>
    internal static bool IsChineseChar(int c) =>
        c is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F
            or >= 0x2B740 and <= 0x2B81F or >= 0x2B820 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;

    private static string RemoveNonSpacingMarks(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
            if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark) sb.Append(rune.ToString());
        return sb.ToString();
    }

    private static string RemoveCombiningMarks(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
            if (Rune.GetUnicodeCategory(rune) is not (UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark))
                sb.Append(rune.ToString());
        return sb.ToString();
    }

    /// <summary>
    /// Per-character lowercase mapping, as Rust's <c>char::to_lowercase</c>: .NET's invariant mapping except for
    /// U+0130 (capital I with dot above), whose full lowercase is two characters, "i" + U+0307.
    /// </summary>
    private static string Lowercase(string text) =>
        text.Contains('\u0130') ? text.Replace("\u0130", "i\u0307").ToLowerInvariant() : text.ToLowerInvariant();
}
