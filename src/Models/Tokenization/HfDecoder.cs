using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BioEval.Models.Tokenization;

/// <summary>
/// The <c>decoder</c> of tokenizer.json: turns token strings back into text (ByteLevel, Replace, ByteFallback,
/// Fuse, Strip, Metaspace, WordPiece, BPEDecoder, Sequence); any other type is refused. Gap filled: BpeTokenizer.Decode
/// knows neither &lt;0xNN&gt; byte-fallback tokens nor the Replace/Strip chain of SentencePiece-style files, so the
/// whole chain is run here as Hugging Face's Rust decoders do.
/// </summary>
internal sealed class HfDecoder
{
    /// <summary>The decoder types implemented here.</summary>
    public static readonly IReadOnlyList<string> Types =
        ["Sequence", "ByteLevel", "Replace", "ByteFallback", "Fuse", "Strip", "Metaspace", "WordPiece", "BPEDecoder"];

    private readonly Func<List<string>, List<string>> _chain;

    private HfDecoder(Func<List<string>, List<string>> chain) => _chain = chain;

    public static HfDecoder FromJson(JsonElement node, string where)
    {
        // Without a decoder Hugging Face joins the tokens with spaces.
        if (node.ValueKind == JsonValueKind.Null || node.ValueKind == JsonValueKind.Undefined)
            return new HfDecoder(tokens => [string.Join(' ', tokens)]);
        return new HfDecoder(Build(node, where));
    }

    public string Decode(List<string> tokens) => string.Concat(_chain(tokens));

    private static Func<List<string>, List<string>> Build(JsonElement node, string where)
    {
        var type = HfJson.Type(node, where);
        switch (type)
        {
            case "Sequence":
                var steps = node.GetProperty("decoders").EnumerateArray().Select((d, i) => Build(d, $"{where}.decoders[{i}]")).ToArray();
                return tokens => steps.Aggregate(tokens, (t, f) => f(t));
            case "ByteLevel":
                return ByteLevel;
            case "Replace":
                var pattern = HfPattern.FromJson(node.GetProperty("pattern"), $"{where}.pattern");
                var content = node.GetProperty("content").GetString()!;
                return tokens => tokens.Select(t => pattern.Replace(t, content)).ToList();
            case "ByteFallback":
                return ByteFallback;
            case "Fuse":
                return tokens => [string.Concat(tokens)];
            case "Strip":
                var strip = node.GetProperty("content").GetString()!;
                var start = node.GetProperty("start").GetInt32();
                var stop = node.GetProperty("stop").GetInt32();
                return tokens => tokens.Select(t => Strip(t, strip, start, stop)).ToList();
            case "Metaspace":
                var replacement = node.TryGetProperty("replacement", out var rep) ? rep.GetString()! : "\u2581";
                var prepends = node.TryGetProperty("prepend_scheme", out var ps) && ps.ValueKind == JsonValueKind.String
                    ? ps.GetString() != "never"
                    : !node.TryGetProperty("add_prefix_space", out var ap) || ap.GetBoolean();
                // As Rust does it: in the first token every replacement character is dropped when a prefix was
                // prepended (not only the leading one), elsewhere each becomes a space.
                return tokens => tokens.Select((t, i) => t.Replace(replacement, i == 0 && prepends ? "" : " ")).ToList();
            case "WordPiece":
            {
                // Continuation pieces lose their prefix, other pieces after the first get a space; then, with
                // cleanup, the spaces tokenization put before punctuation and English contractions are removed.
                var wordPrefix = HfJson.String(node, "prefix") ?? "##";
                var cleanup = HfJson.Bool(node, "cleanup", true);
                return tokens => tokens.Select((t, i) =>
                {
                    if (i > 0) t = t.StartsWith(wordPrefix, StringComparison.Ordinal) ? t[wordPrefix.Length..] : " " + t;
                    return cleanup ? CleanUp(t) : t;
                }).ToList();
            }
            case "BPEDecoder":
            {
                var suffix = HfJson.String(node, "suffix") ?? "</w>";
                return tokens => tokens.Select((t, i) => t.Replace(suffix, i == tokens.Count - 1 ? "" : " ")).ToList();
            }
            default:
                throw HfJson.Unsupported(where, "decoder", type, Types);
        }
    }

    /// <summary>Hugging Face's tokenization-space clean-up of the WordPiece decoder.</summary>
    private static string CleanUp(string text) => text
        .Replace(" .", ".").Replace(" ?", "?").Replace(" !", "!").Replace(" ,", ",").Replace(" ' ", "'")
        .Replace(" n't", "n't").Replace(" 'm", "'m").Replace(" do not", " don't").Replace(" 's", "'s")
        .Replace(" 've", "'ve").Replace(" 're", "'re");

    private static List<string> ByteLevel(List<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (var t in tokens)
            bytes.AddRange(ByteLevelAlphabet.TryDecode(t) ?? Encoding.UTF8.GetBytes(t));
        // Like Rust's from_utf8_lossy: each maximal invalid sequence becomes one U+FFFD.
        return [Encoding.UTF8.GetString(bytes.ToArray())];
    }

    private static List<string> ByteFallback(List<string> tokens)
    {
        var result = new List<string>();
        var pending = new List<byte>();
        void Flush()
        {
            if (pending.Count == 0) return;
            var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
            try { result.Add(strict.GetString(pending.ToArray())); }
            catch (DecoderFallbackException) { result.AddRange(Enumerable.Repeat("\uFFFD", pending.Count)); }
            pending.Clear();
        }
        foreach (var t in tokens)
        {
            if (t.Length == 6 && t.StartsWith("<0x", StringComparison.Ordinal) && t[5] == '>'
                && byte.TryParse(t.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
                pending.Add(b);
            else
            {
                Flush();
                result.Add(t);
            }
        }
        Flush();
        return result;
    }

    private static string Strip(string token, string content, int start, int stop)
    {
        var from = 0;
        while (from < start && from < token.Length && token.AsSpan(from).StartsWith(content, StringComparison.Ordinal))
            from += content.Length;
        var to = token.Length;
        for (var i = 0; i < stop && to - content.Length >= from && token.AsSpan(0, to).EndsWith(content, StringComparison.Ordinal); i++)
            to -= content.Length;
        return token[from..to];
    }
}
