using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace BioEval.Models.Tokenization;

/// <summary>
/// A model's own Hugging Face tokenizer (tokenizer.json + tokenizer_config.json), giving the same token ids as
/// Hugging Face's fast tokenizer. Supports BPE files of both kinds in use: byte-level (GPT-2, Llama 3, Qwen)
/// and SentencePiece-style with byte fallback (Llama 2, Mistral, Gemma). The merging itself is
/// Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/>; the Hugging Face pipeline around it (added tokens,
/// per-section normalizer, pre-tokenizer, ignore_merges, byte fallback, post-processor, decoder) is read from
/// the files here. Loading parses large JSON files: create once per model and cache.
/// </summary>
public sealed class HfTokenizer
{
    // End-of-turn markers of chat templates; generation must stop at them as at EOS. Looked up in the added
    // tokens and in the vocabulary: Gemma's files keep <end_of_turn> in the vocabulary only.
    private static readonly string[] EndOfTurnTokens = ["<|eot_id|>", "<|eom_id|>", "<|im_end|>", "<end_of_turn>", "<|end|>", "<|endoftext|>"];

    private readonly BpeTokenizer _bpe;
    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<string, AddedToken> _added;
    private readonly string?[] _idToToken;
    private readonly HashSet<int> _specialIds;
    private readonly AddedTokenSplitter _splitter;
    private readonly HfNormalizer? _normalizer;
    private readonly HfPreTokenizer _preTokenizer;
    private readonly HfDecoder _decoder;
    private readonly bool _ignoreMerges;
    private readonly int? _byteFallbackUnknownId;
    private readonly bool _splitBeforeMetaspace;
    private readonly int[] _prefix;
    private readonly int[] _suffix;

    private HfTokenizer(BpeTokenizer bpe, Dictionary<string, int> vocab, List<AddedToken> added, HfNormalizer? normalizer,
        HfPreTokenizer preTokenizer, HfDecoder decoder, bool ignoreMerges, int? byteFallbackUnknownId,
        string? bosToken, string? eosToken, Func<HfTokenizer, (int[] Prefix, int[] Suffix)> template)
    {
        _bpe = bpe;
        _vocab = vocab;
        _normalizer = normalizer;
        _preTokenizer = preTokenizer;
        _decoder = decoder;
        _ignoreMerges = ignoreMerges;
        _byteFallbackUnknownId = byteFallbackUnknownId;
        // Gap filled (speed): SentencePiece-style files have no pre-tokenizer, so a whole document is one BPE
        // word, and BpeTokenizer's merging grows faster than linearly with word length (115k chars: ~2 s).
        // When no vocabulary entry holds '▁' after another character, no merge can cross the start of a
        // '▁' run, so cutting there gives the same ids as one long word.
        _splitBeforeMetaspace = !preTokenizer.ByteLevel && !vocab.Keys.Any(HasMetaspaceAfterOther);
        _added = new Dictionary<string, AddedToken>(StringComparer.Ordinal);
        foreach (var t in added) _added[t.Content] = t;
        _splitter = new AddedTokenSplitter(added);
        _specialIds = added.Where(t => t.Special).Select(t => t.Id).ToHashSet();

        var size = Math.Max(vocab.Count == 0 ? 0 : vocab.Values.Max() + 1, added.Count == 0 ? 0 : added.Max(t => t.Id) + 1);
        _idToToken = new string?[size];
        foreach (var (token, id) in vocab) _idToToken[id] = token;
        foreach (var t in added) _idToToken[t.Id] = t.Content;
        VocabSize = size;

        BosToken = bosToken;
        EosToken = eosToken;
        BosTokenId = bosToken is null ? null : TokenToId(bosToken);
        var eos = new List<int>();
        if (eosToken is not null && TokenToId(eosToken) is { } eosId) eos.Add(eosId);
        foreach (var name in EndOfTurnTokens)
            if (TokenToId(name) is { } id && !eos.Contains(id)) eos.Add(id);
        EosTokenIds = eos;
        (_prefix, _suffix) = template(this);
    }

    /// <summary>Number of token ids (vocabulary plus added tokens): one more than the largest id.</summary>
    public int VocabSize { get; }

    /// <summary>The beginning-of-sequence token text, from tokenizer_config.json or special_tokens_map.json.</summary>
    public string? BosToken { get; }

    /// <summary>The end-of-sequence token text, from tokenizer_config.json or special_tokens_map.json.</summary>
    public string? EosToken { get; }

    public int? BosTokenId { get; }

    /// <summary>Ids that end generation: EOS, then the end-of-turn tokens the files know (&lt;|eot_id|&gt;, &lt;|im_end|&gt;, &lt;end_of_turn&gt; ...).</summary>
    public IReadOnlyList<int> EosTokenIds { get; }

    /// <summary>The id of a token text (added tokens first, then the vocabulary), or null.</summary>
    public int? TokenToId(string token) =>
        _added.TryGetValue(token, out var t) ? t.Id : _vocab.TryGetValue(token, out var id) ? id : null;

    /// <summary>The token text of an id, or null when the id is unused.</summary>
    public string? IdToToken(int id) => id >= 0 && id < _idToToken.Length ? _idToToken[id] : null;

    /// <summary>
    /// Token ids of <paramref name="text"/>, as Hugging Face's <c>tokenizer.encode(text, add_special_tokens=...)</c>.
    /// Added tokens written in the text (e.g. "&lt;|eot_id|&gt;") are matched as single tokens.
    /// </summary>
    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        if (addSpecialTokens) ids.AddRange(_prefix);
        foreach (var section in _splitter.Split(text))
        {
            if (section.Token is not null)
            {
                ids.Add(section.Token.Id);
                continue;
            }
            var normalized = _normalizer?.Normalize(section.Text) ?? section.Text;
            if (normalized.Length == 0) continue;
            foreach (var piece in _preTokenizer.Split(normalized, section.Start == 0))
                EncodePiece(piece, ids);
        }
        if (addSpecialTokens) ids.AddRange(_suffix);
        return ids;
    }

    /// <summary>
    /// Text of <paramref name="ids"/>, as Hugging Face's <c>decode(ids, skip_special_tokens=...,
    /// clean_up_tokenization_spaces=False)</c>: no clean-up, so that decoding a token prefix gives a text prefix.
    /// </summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var tokens = new List<string>();
        foreach (var id in ids)
        {
            var token = IdToToken(id)
                ?? throw new ArgumentOutOfRangeException(nameof(ids), id, $"Token id {id} is not in the vocabulary (size {VocabSize}).");
            if (skipSpecialTokens && _specialIds.Contains(id)) continue;
            tokens.Add(token);
        }
        return tokens.Count == 0 ? "" : _decoder.Decode(tokens);
    }

    private const char Metaspace = '\u2581';

    private static bool HasMetaspaceAfterOther(string token)
    {
        for (var i = 1; i < token.Length; i++)
            if (token[i] == Metaspace && token[i - 1] != Metaspace) return true;
        return false;
    }

    private void EncodePiece(string piece, List<int> ids)
    {
        if (_splitBeforeMetaspace && !(_ignoreMerges && _vocab.ContainsKey(piece)))
        {
            var start = 0;
            for (var i = 1; i < piece.Length; i++)
                if (piece[i] == Metaspace && piece[i - 1] != Metaspace)
                {
                    EncodeWord(piece[start..i], ids);
                    start = i;
                }
            EncodeWord(piece[start..], ids);
            return;
        }
        EncodeWord(piece, ids);
    }

    private void EncodeWord(string piece, List<int> ids)
    {
        // Gap filled (ignore_merges, Llama 3): a pre-token that is itself in the vocabulary is one token, even
        // where the merges would not rebuild it. BpeTokenizer has no such option.
        if (_ignoreMerges && _vocab.TryGetValue(_preTokenizer.ByteLevel ? ByteLevelAlphabet.Encode(piece) : piece, out var whole))
        {
            ids.Add(whole);
            return;
        }
        var tokens = _bpe.EncodeToTokens(piece, out _, considerPreTokenization: false, considerNormalization: false);
        if (_byteFallbackUnknownId is not { } unk)
        {
            foreach (var t in tokens) ids.Add(t.Id);
            return;
        }
        // Gap filled (byte_fallback, Llama 2 / Mistral / Gemma): characters missing from the vocabulary become
        // their UTF-8 bytes as <0xNN> tokens; BpeTokenizer would give <unk>. Runs of unknowns are taken together
        // so that a surrogate pair yields the bytes of its code point.
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Id != unk)
            {
                ids.Add(tokens[i].Id);
                continue;
            }
            var start = tokens[i].Offset.Start.GetOffset(piece.Length);
            var j = i;
            while (j + 1 < tokens.Count && tokens[j + 1].Id == unk) j++;
            var end = tokens[j].Offset.End.GetOffset(piece.Length);
            var byteIds = Encoding.UTF8.GetBytes(piece[start..end]).Select(b => _vocab.GetValueOrDefault($"<0x{b:X2}>", -1)).ToList();
            if (byteIds.Contains(-1))
                for (var k = i; k <= j; k++) ids.Add(unk);
            else
                ids.AddRange(byteIds);
            i = j;
        }
    }

    /// <summary>Loads tokenizer.json, tokenizer_config.json and (when present) special_tokens_map.json from <paramref name="dir"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">the folder does not exist</exception>
    /// <exception cref="FileNotFoundException">tokenizer.json is missing</exception>
    /// <exception cref="InvalidDataException">a file is malformed; the message names the file and field</exception>
    /// <exception cref="NotSupportedException">the file uses a model or component type not supported here</exception>
    public static HfTokenizer FromDirectory(string dir)
    {
        ArgumentNullException.ThrowIfNull(dir);
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"Tokenizer folder '{dir}' does not exist.");
        var jsonPath = Path.Combine(dir, "tokenizer.json");
        if (!File.Exists(jsonPath)) throw new FileNotFoundException($"Tokenizer file '{jsonPath}' does not exist.", jsonPath);

        using var tokenizerJson = ParseJson(jsonPath);
        using var config = ParseOptionalJson(Path.Combine(dir, "tokenizer_config.json"));
        using var specialMap = ParseOptionalJson(Path.Combine(dir, "special_tokens_map.json"));
        var root = tokenizerJson.RootElement;
        var cfg = config?.RootElement;
        var where = jsonPath;

        try
        {
            var model = root.GetProperty("model");
            var type = model.TryGetProperty("type", out var ty) ? ty.GetString() : null;
            if (type != "BPE")
                throw new NotSupportedException($"{where}: model.type '{type}' is not supported; only BPE tokenizers are.");

            var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var p in model.GetProperty("vocab").EnumerateObject()) vocab[p.Name] = p.Value.GetInt32();
            var merges = ReadMerges(model.GetProperty("merges"), $"{where}: model.merges");

            var added = new List<AddedToken>();
            if (root.TryGetProperty("added_tokens", out var addedJson) && addedJson.ValueKind == JsonValueKind.Array)
                foreach (var a in addedJson.EnumerateArray())
                    added.Add(new AddedToken(
                        a.GetProperty("id").GetInt32(), a.GetProperty("content").GetString()!,
                        Flag(a, "special"), Flag(a, "lstrip"), Flag(a, "rstrip"), Flag(a, "single_word"), Flag(a, "normalized")));

            var normalizer = HfNormalizer.FromJson(Child(root, "normalizer"), $"{where}: normalizer");
            var preTokenizer = HfPreTokenizer.FromJson(Child(root, "pre_tokenizer"), $"{where}: pre_tokenizer");
            var decoder = HfDecoder.FromJson(Child(root, "decoder"), $"{where}: decoder");

            var unknown = StringOrNull(model, "unk_token");
            var byteFallback = Flag(model, "byte_fallback");
            if (byteFallback && (unknown is null || !vocab.ContainsKey(unknown)))
                throw new NotSupportedException($"{where}: model.byte_fallback needs model.unk_token to be in the vocabulary.");

            var bpe = BpeTokenizer.Create(new BpeOptions(vocab)
            {
                Merges = merges,
                ByteLevel = preTokenizer.ByteLevel,
                UnknownToken = unknown is not null && vocab.ContainsKey(unknown) ? unknown : null,
                // With byte fallback every unknown character is expanded to bytes, so they must stay apart.
                FuseUnknownTokens = Flag(model, "fuse_unk") && !byteFallback,
                ContinuingSubwordPrefix = StringOrNull(model, "continuing_subword_prefix"),
                EndOfWordSuffix = StringOrNull(model, "end_of_word_suffix"),
            });

            var bos = SpecialToken(cfg, "bos_token") ?? SpecialToken(specialMap?.RootElement, "bos_token");
            var eos = SpecialToken(cfg, "eos_token") ?? SpecialToken(specialMap?.RootElement, "eos_token");
            var postProcessor = Child(root, "post_processor");
            bool? addBos = cfg is { } c1 && c1.TryGetProperty("add_bos_token", out var ab) ? ab.ValueKind == JsonValueKind.True : null;
            bool? addEos = cfg is { } c2 && c2.TryGetProperty("add_eos_token", out var ae) ? ae.ValueKind == JsonValueKind.True : null;

            return new HfTokenizer(bpe, vocab, added, normalizer, preTokenizer, decoder, Flag(model, "ignore_merges"),
                byteFallback ? vocab[unknown!] : null, bos, eos,
                tok => SpecialTokenTemplate(tok, postProcessor, addBos, addEos, $"{where}: post_processor"));
        }
        catch (KeyNotFoundException e)
        {
            throw new InvalidDataException($"{where}: a required field is missing ({e.Message}).", e);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidDataException($"{where}: {e.Message}", e);
        }
    }

    /// <summary>
    /// The ids put before and after the text when special tokens are asked for. As transformers does, explicit
    /// add_bos_token / add_eos_token in tokenizer_config.json rebuild the template from BOS/EOS; otherwise
    /// tokenizer.json's post_processor decides (TemplateProcessing, possibly inside a Sequence, as Llama 3's
    /// adds &lt;|begin_of_text|&gt;; a lone ByteLevel post-processor adds nothing).
    /// </summary>
    private static (int[] Prefix, int[] Suffix) SpecialTokenTemplate(HfTokenizer tok, JsonElement postProcessor, bool? addBos, bool? addEos, string where)
    {
        if (addBos is not null || addEos is not null)
        {
            int[] prefix = addBos == true && tok.BosTokenId is { } b ? [b] : [];
            int[] suffix = addEos == true && tok.EosToken is { } e && tok.TokenToId(e) is { } eid ? [eid] : [];
            return (prefix, suffix);
        }
        return FromPostProcessor(tok, postProcessor, where);
    }

    private static (int[] Prefix, int[] Suffix) FromPostProcessor(HfTokenizer tok, JsonElement node, string where)
    {
        if (node.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return ([], []);
        var type = node.GetProperty("type").GetString();
        switch (type)
        {
            case "ByteLevel":
                return ([], []); // only trims offsets
            case "Sequence":
            {
                var prefix = new List<int>();
                var suffix = new List<int>();
                var i = 0;
                foreach (var child in node.GetProperty("processors").EnumerateArray())
                {
                    var (p, s) = FromPostProcessor(tok, child, $"{where}.processors[{i++}]");
                    prefix.InsertRange(0, p);
                    suffix.AddRange(s);
                }
                return (prefix.ToArray(), suffix.ToArray());
            }
            case "TemplateProcessing":
            {
                var special = new Dictionary<string, int[]>(StringComparer.Ordinal);
                if (node.TryGetProperty("special_tokens", out var st))
                    foreach (var p in st.EnumerateObject())
                        special[p.Name] = p.Value.GetProperty("ids").EnumerateArray().Select(x => x.GetInt32()).ToArray();
                var prefix = new List<int>();
                var suffix = new List<int>();
                var seenSequence = false;
                foreach (var item in node.GetProperty("single").EnumerateArray())
                {
                    if (item.TryGetProperty("Sequence", out _)) { seenSequence = true; continue; }
                    var id = item.GetProperty("SpecialToken").GetProperty("id").GetString()!;
                    var ids = special.TryGetValue(id, out var v) ? v
                        : tok.TokenToId(id) is { } one ? [one]
                        : throw new InvalidDataException($"{where}: special token '{id}' has no id.");
                    (seenSequence ? suffix : prefix).AddRange(ids);
                }
                return (prefix.ToArray(), suffix.ToArray());
            }
            case "RobertaProcessing" or "BertProcessing":
            {
                var cls = node.GetProperty("cls")[1].GetInt32();
                var sep = node.GetProperty("sep")[1].GetInt32();
                return ([cls], [sep]);
            }
            default:
                throw new NotSupportedException($"{where}: post-processor type '{type}' is not supported.");
        }
    }

    private static List<string> ReadMerges(JsonElement merges, string where)
    {
        var result = new List<string>(merges.GetArrayLength());
        foreach (var m in merges.EnumerateArray())
        {
            if (m.ValueKind == JsonValueKind.String)
            {
                result.Add(m.GetString()!);
                continue;
            }
            // Newer files write a merge as ["a", "b"]; BpeOptions takes "a b" lines, so neither side may hold a space.
            var a = m[0].GetString()!;
            var b = m[1].GetString()!;
            if (a.Contains(' ') || b.Contains(' '))
                throw new NotSupportedException($"{where}[{result.Count}]: merge parts containing a space are not supported.");
            result.Add(a + " " + b);
        }
        return result;
    }

    private static string? SpecialToken(JsonElement? config, string key)
    {
        if (config is not { } c || !c.TryGetProperty(key, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Object when v.TryGetProperty("content", out var content) => content.GetString(),
            _ => null,
        };
    }

    private static JsonElement Child(JsonElement node, string name) =>
        node.TryGetProperty(name, out var v) ? v : default;

    private static bool Flag(JsonElement node, string name) =>
        node.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    private static string? StringOrNull(JsonElement node, string name) =>
        node.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static JsonDocument ParseJson(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e);
        }
    }

    private static JsonDocument? ParseOptionalJson(string path) => File.Exists(path) ? ParseJson(path) : null;
}
