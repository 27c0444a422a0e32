using System.Text;
using System.Text.Json;

namespace BioEval.Models.Tokenization;

/// <summary>
/// A model's own Hugging Face tokenizer (tokenizer.json + tokenizer_config.json), giving the same token ids as
/// Hugging Face's fast tokenizer. The pipeline of tokenizer.json runs as Hugging Face's Rust <c>tokenizers</c> runs
/// it: added tokens, a normalizer per stretch between them, pre-tokenizer, model (BPE, byte-level or
/// SentencePiece-style with byte fallback, or WordPiece), post-processor and decoder. Every component type is
/// either implemented or refused with the file and the type named (<see cref="NotSupportedException"/>), never
/// skipped. The BPE merging and WordPiece splitting themselves are Microsoft.ML.Tokenizers'. Loading parses large
/// JSON files: create once per model and cache.
/// </summary>
public sealed class HfTokenizer
{
    // End-of-turn markers of chat templates; generation must stop at them as at EOS. Looked up in the added
    // tokens and in the vocabulary: Gemma's files keep <end_of_turn> in the vocabulary only.
    private static readonly string[] EndOfTurnTokens = ["<|eot_id|>", "<|eom_id|>", "<|im_end|>", "<end_of_turn>", "<|end|>", "<|endoftext|>"];

    private readonly HfModel _model;
    private readonly IReadOnlyDictionary<string, int> _vocab;
    private readonly Dictionary<string, AddedToken> _added;
    private readonly string?[] _idToToken;
    private readonly HashSet<int> _specialIds;
    private readonly AddedTokenSplitter _splitter;
    private readonly HfNormalizer? _normalizer;
    private readonly HfPreTokenizer _preTokenizer;
    private readonly HfDecoder _decoder;
    private readonly int[] _prefix;
    private readonly int[] _suffix;

    private HfTokenizer(HfModel model, List<AddedToken> added, HfNormalizer? normalizer,
        HfPreTokenizer preTokenizer, HfDecoder decoder,
        string? bosToken, string? eosToken, Func<HfTokenizer, (int[] Prefix, int[] Suffix)> template)
    {
        _model = model;
        _vocab = model.Vocab;
        _normalizer = normalizer;
        _preTokenizer = preTokenizer;
        _decoder = decoder;
        _added = new Dictionary<string, AddedToken>(StringComparer.Ordinal);
        foreach (var t in added) _added[t.Content] = t;
        _splitter = new AddedTokenSplitter(added);
        _specialIds = added.Where(t => t.Special).Select(t => t.Id).ToHashSet();

        var size = Math.Max(_vocab.Count == 0 ? 0 : _vocab.Values.Max() + 1, added.Count == 0 ? 0 : added.Max(t => t.Id) + 1);
        _idToToken = new string?[size];
        foreach (var (token, id) in _vocab) _idToToken[id] = token;
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

    /// <summary>The ids <see cref="Encode"/> puts before the text when special tokens are asked for (BERT: [CLS]).</summary>
    public IReadOnlyList<int> SpecialPrefixIds => _prefix;

    /// <summary>The ids <see cref="Encode"/> puts after the text when special tokens are asked for (BERT: [SEP]).</summary>
    public IReadOnlyList<int> SpecialSuffixIds => _suffix;

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
                _model.Encode(piece, ids);
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

    /// <summary>Loads tokenizer.json, tokenizer_config.json and (when present) special_tokens_map.json from <paramref name="dir"/>.</summary>
    /// <remarks>
    /// A folder with a WordPiece <c>vocab.txt</c> and no tokenizer.json (many BERT-family encoders) is read as Hugging
    /// Face's conversion of <c>BertTokenizer</c> would write its tokenizer.json (<see cref="BertVocab"/>).
    /// </remarks>
    /// <exception cref="DirectoryNotFoundException">the folder does not exist</exception>
    /// <exception cref="FileNotFoundException">neither tokenizer.json nor vocab.txt is there</exception>
    /// <exception cref="InvalidDataException">a file is malformed; the message names the file and field</exception>
    /// <exception cref="NotSupportedException">the file uses a model or component type not supported here</exception>
    public static HfTokenizer FromDirectory(string dir)
    {
        ArgumentNullException.ThrowIfNull(dir);
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"Tokenizer folder '{dir}' does not exist.");
        var jsonPath = Path.Combine(dir, "tokenizer.json");
        var vocabPath = Path.Combine(dir, BertVocab.FileName);
        if (!File.Exists(jsonPath) && !File.Exists(vocabPath))
            throw new FileNotFoundException($"Tokenizer file '{jsonPath}' does not exist (nor a WordPiece {BertVocab.FileName} beside it).", jsonPath);

        using var config = ParseOptionalJson(Path.Combine(dir, "tokenizer_config.json"));
        using var specialMap = ParseOptionalJson(Path.Combine(dir, "special_tokens_map.json"));
        var cfg = config?.RootElement;
        var where = File.Exists(jsonPath) ? jsonPath : vocabPath;
        using var tokenizerJson = File.Exists(jsonPath) ? ParseJson(jsonPath) : ReadVocab(vocabPath, cfg);
        var root = tokenizerJson.RootElement;

        try
        {
            var added = new List<AddedToken>();
            if (root.TryGetProperty("added_tokens", out var addedJson) && addedJson.ValueKind == JsonValueKind.Array)
                foreach (var a in addedJson.EnumerateArray())
                    added.Add(new AddedToken(
                        a.GetProperty("id").GetInt32(), a.GetProperty("content").GetString()!,
                        Flag(a, "special"), Flag(a, "lstrip"), Flag(a, "rstrip"), Flag(a, "single_word"), Flag(a, "normalized")));

            var normalizer = HfNormalizer.FromJson(Child(root, "normalizer"), $"{where}: normalizer");
            var preTokenizer = HfPreTokenizer.FromJson(Child(root, "pre_tokenizer"), $"{where}: pre_tokenizer");
            var decoder = HfDecoder.FromJson(Child(root, "decoder"), $"{where}: decoder");
            var model = HfModel.FromJson(root.GetProperty("model"), preTokenizer, $"{where}: model");

            var bos = SpecialToken(cfg, "bos_token") ?? SpecialToken(specialMap?.RootElement, "bos_token");
            var eos = SpecialToken(cfg, "eos_token") ?? SpecialToken(specialMap?.RootElement, "eos_token");
            var postProcessor = Child(root, "post_processor");
            bool? addBos = cfg is { } c1 && c1.TryGetProperty("add_bos_token", out var ab) ? ab.ValueKind == JsonValueKind.True : null;
            bool? addEos = cfg is { } c2 && c2.TryGetProperty("add_eos_token", out var ae) ? ae.ValueKind == JsonValueKind.True : null;

            return new HfTokenizer(model, added, normalizer, preTokenizer, decoder, bos, eos,
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

    private static readonly string[] PostProcessorTypes = ["ByteLevel", "Sequence", "TemplateProcessing", "RobertaProcessing", "BertProcessing"];

    private static (int[] Prefix, int[] Suffix) FromPostProcessor(HfTokenizer tok, JsonElement node, string where)
    {
        if (node.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return ([], []);
        var type = HfJson.Type(node, where);
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
                throw HfJson.Unsupported(where, "post-processor", type, PostProcessorTypes);
        }
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

    private static JsonDocument ReadVocab(string path, JsonElement? config)
    {
        try
        {
            return BertVocab.ToTokenizerJson(path, config);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"{path}: not valid UTF-8 ({e.Message}).", e);
        }
    }
}
