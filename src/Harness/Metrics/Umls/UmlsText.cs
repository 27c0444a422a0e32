using System.Collections.Frozen;
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace BioEval.Harness.Metrics.Umls;

/// <summary>
/// How UMLS strings and model outputs are made comparable: one rule for both sides, so that an alias matches a text
/// exactly when their normalised token sequences are equal.
/// </summary>
/// <remarks>
/// <para><b>Tokens.</b> A token is a maximal run of letters (Unicode L*) and decimal digits (Nd), with combining marks
/// (M*) continuing a run they follow; every other code point (space, punctuation, symbols, a lone surrogate) separates
/// tokens. Each code point is lower-cased with the invariant simple case mapping. Digits stay tokens of their own
/// ("Type-2 diabetes" → type, 2, diabetes); there is no Unicode normalisation, stemming or plural folding
/// ("diseases" ≠ "disease").</para>
/// <para><b>Abbreviations.</b> A token that is a key of <see cref="Abbreviations"/> is replaced by its expansion, in
/// aliases and texts alike ("HTN" and "hypertension" are the same sequence). The list is ours, not scispacy's (whose
/// abbreviation detector finds "long form (SF)" pairs inside each text): a few clinical abbreviations common in
/// discharge summaries, each with one fixed meaning.</para>
/// <para><b>Skipped aliases.</b> An alias whose normalised form is one token of at most two characters, or one token
/// of <see cref="Stopwords"/>, is not indexed: UMLS holds such strings for concepts ("AS", "IS", "WAS", "ALL") and
/// matching them would turn most function words of a text into concepts. Abbreviation keys escape the rule because
/// they are expanded first. This is our rule; in the reference the NER model decides what is a mention.</para>
/// </remarks>
public static class UmlsText
{
    /// <summary>Our clinical abbreviations and their expansions (already normalised).</summary>
    public static readonly FrozenDictionary<string, string> Abbreviations = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["htn"] = "hypertension",
        ["dm"] = "diabetes mellitus",
        ["chf"] = "congestive heart failure",
        ["copd"] = "chronic obstructive pulmonary disease",
        ["cad"] = "coronary artery disease",
        ["afib"] = "atrial fibrillation",
        ["af"] = "atrial fibrillation",
        ["mi"] = "myocardial infarction",
        ["uti"] = "urinary tract infection",
        ["ckd"] = "chronic kidney disease",
        ["aki"] = "acute kidney injury",
        ["gerd"] = "gastroesophageal reflux disease",
        ["dvt"] = "deep vein thrombosis",
        ["pe"] = "pulmonary embolism",
        ["cva"] = "cerebrovascular accident",
        ["sob"] = "shortness of breath",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>English function words of three or more letters that are never a concept on their own.</summary>
    public static readonly FrozenSet<string> Stopwords = new[]
    {
        "the", "and", "was", "were", "for", "with", "has", "had", "have", "not", "are", "but", "all", "can", "may",
        "this", "that", "from", "who", "his", "her", "she", "him", "its", "per", "any", "due", "our", "out", "now",
        "how", "too", "yet", "off", "also", "then", "than", "into", "been", "will", "did", "does",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> AbbreviationLookup =
        Abbreviations.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> StopwordLookup =
        Stopwords.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The normalised tokens of <paramref name="text"/>, abbreviations expanded.</summary>
    public static IReadOnlyList<string> Tokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var buffer = new TokenBuffer();
        buffer.Fill(text);
        return [.. Enumerable.Range(0, buffer.Count).Select(i => buffer.Span(i, 1).ToString())];
    }

    /// <summary>The normalised form of <paramref name="text"/>: its tokens joined by single spaces.</summary>
    public static string Normalize(string text) => string.Join(' ', Tokens(text));

    /// <summary>Whether an alias with these normalised tokens is left out of the index (see the remarks).</summary>
    internal static bool IsSkipped(TokenBuffer tokens) =>
        tokens.Count == 0 || (tokens.Count == 1 && (tokens.Length <= 2 || StopwordLookup.Contains(tokens.Span(0, 1))));

    /// <summary>
    /// The 64-bit fingerprint the index keys a normalised token sequence (or a CUI) by: XxHash3 of its UTF-16 code
    /// units, with 0 (the empty slot) moved to 1.
    /// </summary>
    internal static ulong Fingerprint(ReadOnlySpan<char> normalized) => Remap(XxHash3.HashToUInt64(MemoryMarshal.AsBytes(normalized)));

    /// <summary>The fingerprint of raw bytes (CUIs as they stand in the file).</summary>
    internal static ulong Fingerprint(ReadOnlySpan<byte> bytes) => Remap(XxHash3.HashToUInt64(bytes));

    private static ulong Remap(ulong hash) => hash == 0 ? 1 : hash;

    /// <summary>
    /// One text's normalised tokens, joined by single spaces in one reusable character buffer, so that any run of
    /// consecutive tokens is one span to fingerprint without copying.
    /// </summary>
    internal sealed class TokenBuffer
    {
        private char[] _chars = new char[256];
        private int[] _starts = new int[64];
        private int[] _ends = new int[64];

        /// <summary>Number of tokens.</summary>
        public int Count { get; private set; }

        /// <summary>Characters used, separators included.</summary>
        public int Length { get; private set; }

        /// <summary>Tokens <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> − 1 joined by spaces.</summary>
        public ReadOnlySpan<char> Span(int first, int count) => _chars.AsSpan(_starts[first], _ends[first + count - 1] - _starts[first]);

        /// <summary>Replaces the buffer's content by the tokens of <paramref name="text"/>.</summary>
        public void Fill(ReadOnlySpan<char> text)
        {
            Count = 0;
            Length = 0;
            var inToken = false;
            for (var i = 0; i < text.Length;)
            {
                var c = text[i];
                Rune rune;
                if (c < 0x80)
                {
                    rune = new Rune(c);
                    i++;
                }
                else
                {
                    // A lone surrogate decodes as U+FFFD, a symbol: it separates.
                    Rune.DecodeFromUtf16(text[i..], out rune, out var used);
                    i += used;
                }
                if (IsTokenRune(rune, inToken))
                {
                    if (!inToken) StartToken();
                    Append(Rune.ToLowerInvariant(rune));
                    inToken = true;
                }
                else if (inToken)
                {
                    EndToken();
                    inToken = false;
                }
            }
            if (inToken) EndToken();
        }

        private static bool IsTokenRune(Rune rune, bool inToken)
        {
            if (rune.IsAscii)
            {
                var c = (char)rune.Value;
                return c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9';
            }
            if (Rune.IsLetterOrDigit(rune)) return true;
            return inToken && Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark
                or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
        }

        private void StartToken()
        {
            if (Count > 0) AppendChar(' ');
            if (Count == _starts.Length)
            {
                Array.Resize(ref _starts, Count * 2);
                Array.Resize(ref _ends, Count * 2);
            }
            _starts[Count] = Length;
        }

        private void EndToken()
        {
            _ends[Count] = Length;
            var token = _chars.AsSpan(_starts[Count], Length - _starts[Count]);
            if (!AbbreviationLookup.TryGetValue(token, out var expansion))
            {
                Count++;
                return;
            }
            // The expansion's tokens replace the abbreviation's.
            Length = _starts[Count];
            if (Count > 0) Length--;
            foreach (var part in expansion.Split(' '))
            {
                StartToken();
                foreach (var ch in part) AppendChar(ch);
                _ends[Count] = Length;
                Count++;
            }
        }

        private void Append(Rune rune)
        {
            if (rune.IsBmp) AppendChar((char)rune.Value);
            else
            {
                Span<char> pair = stackalloc char[2];
                rune.EncodeToUtf16(pair);
                AppendChar(pair[0]);
                AppendChar(pair[1]);
            }
        }

        private void AppendChar(char c)
        {
            if (Length == _chars.Length) Array.Resize(ref _chars, Length * 2);
            _chars[Length++] = c;
        }
    }
}
