using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BioEval.Models.Tokenization;

/// <summary>
/// The <c>pre_tokenizer</c> of tokenizer.json: splits normalized text into the pieces the model runs on (ByteLevel,
/// Split with every delimiter behaviour, Metaspace, Whitespace, WhitespaceSplit, Punctuation, Digits,
/// BertPreTokenizer, CharDelimiterSplit, FixedLength, Sequence), as Hugging Face's Rust <c>tokenizers</c> splits; any
/// other type is refused. Character classes are Unicode's, by code point (Rust's <c>char</c> predicates), never
/// UTF-16 units. Gap filled: Microsoft.ML.Tokenizers' RegexPreTokenizer keeps only the regex matches and has no
/// reader for Hugging Face configs; Hugging Face also keeps the text between matches (behaviour "Isolated").
/// The byte-to-character mapping of ByteLevel is left to the BPE model (<see cref="ByteLevel"/> is set).
/// </summary>
internal sealed class HfPreTokenizer
{
    /// <summary>The pre-tokenizer types implemented here.</summary>
    public static readonly IReadOnlyList<string> Types =
        ["Sequence", "Split", "ByteLevel", "Metaspace", "Digits", "Whitespace", "WhitespaceSplit", "Punctuation",
         "BertPreTokenizer", "CharDelimiterSplit", "FixedLength"];

    private static readonly string[] Behaviors = ["Isolated", "Removed", "MergedWithPrevious", "MergedWithNext", "Contiguous"];

    // GPT-2's pattern, used by ByteLevel when use_regex is true.
    private static readonly HfPattern Gpt2 = HfPattern.FromRegex(
        @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+");

    private delegate IEnumerable<string> Step(string piece, bool firstSection);

    private readonly Step _step;

    /// <summary>Whether a ByteLevel step is present: BPE then works on UTF-8 bytes.</summary>
    public bool ByteLevel { get; }

    private HfPreTokenizer(Step step, bool byteLevel)
    {
        _step = step;
        ByteLevel = byteLevel;
    }

    public static HfPreTokenizer FromJson(JsonElement node, string where)
    {
        var byteLevel = false;
        if (node.ValueKind == JsonValueKind.Null || node.ValueKind == JsonValueKind.Undefined)
            return new HfPreTokenizer((p, _) => [p], false);
        var step = Build(node, where, ref byteLevel);
        return new HfPreTokenizer(step, byteLevel);
    }

    /// <param name="section">normalized text between added tokens</param>
    /// <param name="firstSection">whether the section starts the input (Metaspace prepend_scheme "first")</param>
    public IEnumerable<string> Split(string section, bool firstSection) =>
        _step(section, firstSection).Where(p => p.Length > 0);

    private static Step Build(JsonElement node, string where, ref bool byteLevel)
    {
        var type = HfJson.Type(node, where);
        switch (type)
        {
            case "Sequence":
            {
                var steps = new List<Step>();
                var i = 0;
                foreach (var child in node.GetProperty("pretokenizers").EnumerateArray())
                    steps.Add(Build(child, $"{where}.pretokenizers[{i++}]", ref byteLevel));
                return (piece, first) =>
                {
                    IEnumerable<string> pieces = [piece];
                    foreach (var s in steps)
                    {
                        var current = pieces.ToList();
                        // Metaspace "first" applies to the first piece of the first section only.
                        pieces = current.SelectMany((p, k) => s(p, first && k == 0)).Where(p => p.Length > 0);
                    }
                    return pieces;
                };
            }
            case "Split":
            {
                var pattern = HfPattern.FromJson(node.GetProperty("pattern"), $"{where}.pattern");
                var behavior = Behavior(node, where);
                var invert = HfJson.Bool(node, "invert", false);
                return (piece, _) => SplitBy(piece, pattern.Matches(piece), behavior, invert);
            }
            case "ByteLevel":
            {
                byteLevel = true;
                var addPrefixSpace = HfJson.Bool(node, "add_prefix_space", false);
                var useRegex = HfJson.Bool(node, "use_regex", true);
                return (piece, _) =>
                {
                    if (addPrefixSpace && !piece.StartsWith(' ')) piece = " " + piece;
                    return useRegex ? SplitBy(piece, Gpt2.Matches(piece), "Isolated", false) : [piece];
                };
            }
            case "Metaspace":
            {
                var replacement = HfJson.String(node, "replacement") ?? "\u2581";
                var scheme = HfJson.String(node, "prepend_scheme")
                    ?? (HfJson.Bool(node, "add_prefix_space", true) ? "always" : "never");
                if (scheme is not ("always" or "first" or "never"))
                    throw new NotSupportedException($"{where}.prepend_scheme: '{scheme}' is not one of always, first, never.");
                var split = HfJson.Bool(node, "split", true);
                var delimiter = HfPattern.Literal(replacement);
                return (piece, first) =>
                {
                    piece = piece.Replace(" ", replacement);
                    if (!piece.StartsWith(replacement, StringComparison.Ordinal) && (scheme == "always" || (scheme == "first" && first)))
                        piece = replacement + piece;
                    return split ? SplitBy(piece, delimiter.Matches(piece), "MergedWithNext", false) : [piece];
                };
            }
            case "Digits":
            {
                // Rust's char::is_numeric: every number category (Nd, Nl, No), one by one or in runs.
                var behavior = HfJson.Bool(node, "individual_digits", false) ? "Isolated" : "Contiguous";
                return (piece, _) => SplitWhere(piece, IsNumeric, behavior);
            }
            case "Whitespace":
                return (piece, _) => WordsAndSymbols(piece);
            case "WhitespaceSplit":
                return (piece, _) => SplitWhere(piece, Rune.IsWhiteSpace, "Removed");
            case "Punctuation":
            {
                var behavior = Behavior(node, where);
                return (piece, _) => SplitWhere(piece, IsPunctuation, behavior);
            }
            case "BertPreTokenizer":
                return (piece, _) => SplitWhere(piece, Rune.IsWhiteSpace, "Removed").SelectMany(p => SplitWhere(p, IsPunctuation, "Isolated"));
            case "CharDelimiterSplit":
            {
                var delimiter = HfJson.String(node, "delimiter") is { Length: > 0 } d && Rune.TryGetRuneAt(d, 0, out var r) && r.Utf16SequenceLength == d.Length
                    ? r
                    : throw new InvalidDataException($"{where}.delimiter: one character expected.");
                return (piece, _) => SplitWhere(piece, c => c == delimiter, "Removed");
            }
            case "FixedLength":
            {
                var length = node.TryGetProperty("length", out var l) && l.ValueKind == JsonValueKind.Number ? l.GetInt32() : 5;
                if (length <= 0) throw new InvalidDataException($"{where}.length: must be positive, got {length}.");
                return (piece, _) => Chunks(piece, length);
            }
            default:
                throw HfJson.Unsupported(where, "pre-tokenizer", type, Types);
        }
    }

    private static string Behavior(JsonElement node, string where)
    {
        var behavior = HfJson.String(node, "behavior") ?? "Isolated";
        return Behaviors.Contains(behavior)
            ? behavior
            : throw new NotSupportedException($"{where}.behavior: '{behavior}' is not supported (supported: {string.Join(", ", Behaviors)}).");
    }

    /// <summary>Rust's <c>char::is_numeric</c>: general categories Nd, Nl and No.</summary>
    private static bool IsNumeric(Rune r) => Rune.GetUnicodeCategory(r) is UnicodeCategory.DecimalDigitNumber
        or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;

    /// <summary>BERT's punctuation: any ASCII punctuation (which includes symbols such as $ + ^) or a Unicode P* character.</summary>
    internal static bool IsPunctuation(Rune r) =>
        r.IsAscii ? char.IsAsciiLetterOrDigit((char)r.Value) is false && r.Value is > 32 and < 127
        : Rune.GetUnicodeCategory(r) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;

    /// <summary>
    /// A word character of Rust's regex <c>\w</c> (Unicode: Alphabetic, marks, decimal digits, connector punctuation,
    /// joiners). Alphabetic is letters, letter numbers and the Other_Alphabetic symbols outside the marks (circled and
    /// squared Latin letters).
    /// </summary>
    private static bool IsWord(Rune r) =>
        r.Value is 0x200C or 0x200D or >= 0x24B6 and <= 0x24E9 or >= 0x1F130 and <= 0x1F149 or >= 0x1F150 and <= 0x1F169 or >= 0x1F170 and <= 0x1F189
        || Rune.GetUnicodeCategory(r) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
            or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.LetterNumber or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
            or UnicodeCategory.EnclosingMark or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ConnectorPunctuation;

    /// <summary>The Whitespace pre-tokenizer: runs of word characters and runs of other non-space characters (<c>\w+|[^\w\s]+</c>).</summary>
    private static List<string> WordsAndSymbols(string text)
    {
        var result = new List<string>();
        var start = -1;
        var startKind = false;
        for (var i = 0; i < text.Length;)
        {
            var rune = Rune.GetRuneAt(text, i);
            var space = Rune.IsWhiteSpace(rune);
            var word = !space && IsWord(rune);
            if (start >= 0 && (space || word != startKind))
            {
                result.Add(text[start..i]);
                start = -1;
            }
            if (!space && start < 0) (start, startKind) = (i, word);
            i += rune.Utf16SequenceLength;
        }
        if (start >= 0) result.Add(text[start..]);
        return result;
    }

    private static List<string> Chunks(string text, int length)
    {
        var result = new List<string>();
        var sb = new StringBuilder();
        var count = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            sb.Append(rune.ToString());
            if (++count == length)
            {
                result.Add(sb.ToString());
                sb.Clear();
                count = 0;
            }
        }
        if (sb.Length > 0) result.Add(sb.ToString());
        return result;
    }

    /// <summary>Splits where single characters satisfy <paramref name="isDelimiter"/>, each such character a delimiter of its own.</summary>
    private static List<string> SplitWhere(string text, Func<Rune, bool> isDelimiter, string behavior)
    {
        var delimiters = new List<(int, int)>();
        for (var i = 0; i < text.Length;)
        {
            var rune = Rune.GetRuneAt(text, i);
            if (isDelimiter(rune)) delimiters.Add((i, rune.Utf16SequenceLength));
            i += rune.Utf16SequenceLength;
        }
        return SplitBy(text, delimiters, behavior, invert: false);
    }

    /// <summary>Hugging Face's split: cuts at each delimiter match and keeps, drops or attaches the delimiter.</summary>
    internal static List<string> SplitBy(string text, IReadOnlyList<(int Start, int Length)> matches, string behavior, bool invert)
    {
        // (start, length, isDelimiter) covering the text in order.
        var parts = new List<(int Start, int Length, bool Delimiter)>();
        var pos = 0;
        foreach (var (start, length) in matches)
        {
            if (start > pos) parts.Add((pos, start - pos, false));
            parts.Add((start, length, true));
            pos = start + length;
        }
        if (pos < text.Length) parts.Add((pos, text.Length - pos, false));
        if (invert) parts = parts.Select(p => (p.Start, p.Length, !p.Delimiter)).ToList();

        var result = new List<string>();
        switch (behavior)
        {
            case "Isolated":
                result.AddRange(parts.Select(p => text.Substring(p.Start, p.Length)));
                break;
            case "Removed":
                result.AddRange(parts.Where(p => !p.Delimiter).Select(p => text.Substring(p.Start, p.Length)));
                break;
            case "Contiguous":
                for (var i = 0; i < parts.Count; i++)
                {
                    var start = parts[i].Start;
                    var end = start + parts[i].Length;
                    while (parts[i].Delimiter && i + 1 < parts.Count && parts[i + 1].Delimiter)
                        end = parts[++i].Start + parts[i].Length;
                    result.Add(text[start..end]);
                }
                break;
            case "MergedWithPrevious":
            {
                var start = 0;
                foreach (var p in parts)
                    if (p.Delimiter)
                    {
                        result.Add(text[start..(p.Start + p.Length)]);
                        start = p.Start + p.Length;
                    }
                if (start < text.Length) result.Add(text[start..]);
                break;
            }
            case "MergedWithNext":
            {
                var start = 0;
                foreach (var p in parts)
                    if (p.Delimiter && p.Start > start)
                    {
                        result.Add(text[start..p.Start]);
                        start = p.Start;
                    }
                if (start < text.Length) result.Add(text[start..]);
                break;
            }
        }
        return result;
    }
}
