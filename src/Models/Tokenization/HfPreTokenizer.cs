using System.Text.Json;
using System.Text.RegularExpressions;

namespace BioEval.Models.Tokenization;

/// <summary>
/// The <c>pre_tokenizer</c> of tokenizer.json: splits normalized text into the pieces BPE runs on
/// (Split with every delimiter behaviour, ByteLevel, Metaspace, Digits, Whitespace, WhitespaceSplit, Sequence).
/// Gap filled: Microsoft.ML.Tokenizers' RegexPreTokenizer keeps only the regex matches and has no reader for
/// Hugging Face configs; Hugging Face also keeps the text between matches (behaviour "Isolated").
/// The byte-to-character mapping of ByteLevel is left to BpeTokenizer (<see cref="ByteLevel"/> is set).
/// </summary>
internal sealed class HfPreTokenizer
{
    // GPT-2's pattern, used by ByteLevel when use_regex is true.
    private static readonly Regex Gpt2 = new(
        @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+",
        RegexOptions.CultureInvariant | RegexOptions.Compiled);

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
        var type = node.GetProperty("type").GetString();
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
                var regex = HfRegex.FromPattern(node.GetProperty("pattern"), $"{where}.pattern");
                var behavior = node.TryGetProperty("behavior", out var b) ? b.GetString() : "Isolated";
                var invert = node.TryGetProperty("invert", out var inv) && inv.GetBoolean();
                if (behavior is not ("Isolated" or "Removed" or "MergedWithPrevious" or "MergedWithNext" or "Contiguous"))
                    throw new NotSupportedException($"{where}.behavior: '{behavior}' is not supported.");
                return (piece, _) => SplitBy(piece, regex, behavior!, invert);
            }
            case "ByteLevel":
            {
                byteLevel = true;
                var addPrefixSpace = node.TryGetProperty("add_prefix_space", out var aps) && aps.GetBoolean();
                var useRegex = !node.TryGetProperty("use_regex", out var ur) || ur.GetBoolean();
                return (piece, _) =>
                {
                    if (addPrefixSpace && !piece.StartsWith(' ')) piece = " " + piece;
                    return useRegex ? SplitBy(piece, Gpt2, "Isolated", false) : [piece];
                };
            }
            case "Metaspace":
            {
                var replacement = node.TryGetProperty("replacement", out var rep) ? rep.GetString()! : "\u2581";
                var scheme = node.TryGetProperty("prepend_scheme", out var ps) && ps.ValueKind == JsonValueKind.String
                    ? ps.GetString()!
                    : node.TryGetProperty("add_prefix_space", out var ap) && !ap.GetBoolean() ? "never" : "always";
                var split = !node.TryGetProperty("split", out var sp) || sp.GetBoolean();
                return (piece, first) =>
                {
                    piece = piece.Replace(" ", replacement);
                    if (!piece.StartsWith(replacement, StringComparison.Ordinal) && (scheme == "always" || (scheme == "first" && first)))
                        piece = replacement + piece;
                    return split ? SplitBy(piece, new Regex(Regex.Escape(replacement)), "MergedWithNext", false) : [piece];
                };
            }
            case "Digits":
            {
                var individual = node.TryGetProperty("individual_digits", out var id) && id.GetBoolean();
                var digits = new Regex(individual ? @"\p{Nd}" : @"\p{Nd}+", RegexOptions.CultureInvariant);
                return (piece, _) => SplitBy(piece, digits, "Isolated", false);
            }
            case "Whitespace":
            {
                var words = new Regex(@"\w+|[^\w\s]+", RegexOptions.CultureInvariant);
                return (piece, _) => words.Matches(piece).Select(m => m.Value);
            }
            case "WhitespaceSplit":
                return (piece, _) => piece.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            default:
                throw new NotSupportedException($"{where}: pre-tokenizer type '{type}' is not supported.");
        }
    }

    /// <summary>Hugging Face's Split: cuts at each match and keeps, drops or attaches the delimiter.</summary>
    internal static IEnumerable<string> SplitBy(string text, Regex regex, string behavior, bool invert)
    {
        // (start, length, isDelimiter) covering the text in order.
        var parts = new List<(int Start, int Length, bool Delimiter)>();
        var pos = 0;
        foreach (Match m in regex.Matches(text))
        {
            if (m.Length == 0) continue;
            if (m.Index > pos) parts.Add((pos, m.Index - pos, false));
            parts.Add((m.Index, m.Length, true));
            pos = m.Index + m.Length;
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
