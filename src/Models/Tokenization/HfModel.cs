using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace BioEval.Models.Tokenization;

/// <summary>The <c>model</c> of tokenizer.json: turns one pre-token into ids.</summary>
internal abstract class HfModel
{
    /// <summary>The model types implemented here.</summary>
    public static readonly IReadOnlyList<string> Types = ["BPE", "WordPiece"];

    /// <summary>Token text to id, without the added tokens.</summary>
    public required IReadOnlyDictionary<string, int> Vocab { get; init; }

    public abstract void Encode(string piece, List<int> ids);

    /// <summary>Reads <paramref name="model"/>; <paramref name="where"/> names the file and place in errors.</summary>
    public static HfModel FromJson(JsonElement model, HfPreTokenizer preTokenizer, string where)
    {
        var type = HfJson.Type(model, where);
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!model.TryGetProperty("vocab", out var vocabJson) || vocabJson.ValueKind != JsonValueKind.Object)
            throw type is "BPE" or "WordPiece"
                ? new InvalidDataException($"{where}.vocab: an object of token → id expected.")
                : HfJson.Unsupported(where, "model", type, Types);
        foreach (var p in vocabJson.EnumerateObject()) vocab[p.Name] = p.Value.GetInt32();
        return type switch
        {
            "BPE" => HfBpeModel.Create(model, vocab, preTokenizer, where),
            "WordPiece" => HfWordPieceModel.Create(model, vocab, where),
            _ => throw HfJson.Unsupported(where, "model", type, Types),
        };
    }
}

/// <summary>
/// Byte-pair encoding, both kinds in use: byte-level (GPT-2, Llama 3, Qwen) and SentencePiece-style with byte fallback
/// (Llama 2, Mistral, Gemma). The merging itself is Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/>; the gaps it
/// leaves (ignore_merges, byte_fallback, long SentencePiece words) are filled here.
/// </summary>
internal sealed class HfBpeModel : HfModel
{
    private const char Metaspace = '\u2581';

    private readonly BpeTokenizer _bpe;
    private readonly bool _byteLevel;
    private readonly bool _ignoreMerges;
    private readonly int? _byteFallbackUnknownId;
    private readonly bool _splitBeforeMetaspace;

    private HfBpeModel(BpeTokenizer bpe, bool byteLevel, bool ignoreMerges, int? byteFallbackUnknownId, bool splitBeforeMetaspace)
    {
        _bpe = bpe;
        _byteLevel = byteLevel;
        _ignoreMerges = ignoreMerges;
        _byteFallbackUnknownId = byteFallbackUnknownId;
        _splitBeforeMetaspace = splitBeforeMetaspace;
    }

    public static HfBpeModel Create(JsonElement model, Dictionary<string, int> vocab, HfPreTokenizer preTokenizer, string where)
    {
        if (model.TryGetProperty("dropout", out var dropout) && dropout.ValueKind == JsonValueKind.Number && dropout.GetDouble() > 0)
            throw new NotSupportedException($"{where}.dropout: BPE dropout ({dropout.GetDouble()}) makes ids random; BioEval evaluates with deterministic tokenization only.");
        var merges = ReadMerges(model.GetProperty("merges"), $"{where}.merges");
        var unknown = HfJson.String(model, "unk_token");
        var byteFallback = HfJson.Bool(model, "byte_fallback", false);
        if (byteFallback && (unknown is null || !vocab.ContainsKey(unknown)))
            throw new NotSupportedException($"{where}.byte_fallback needs model.unk_token to be in the vocabulary.");

        var bpe = BpeTokenizer.Create(new BpeOptions(vocab)
        {
            Merges = merges,
            ByteLevel = preTokenizer.ByteLevel,
            UnknownToken = unknown is not null && vocab.ContainsKey(unknown) ? unknown : null,
            // With byte fallback every unknown character is expanded to bytes, so they must stay apart.
            FuseUnknownTokens = HfJson.Bool(model, "fuse_unk", false) && !byteFallback,
            ContinuingSubwordPrefix = HfJson.String(model, "continuing_subword_prefix"),
            EndOfWordSuffix = HfJson.String(model, "end_of_word_suffix"),
        });
        // Gap filled (speed): SentencePiece-style files have no pre-tokenizer, so a whole document is one BPE
        // word, and BpeTokenizer's merging grows faster than linearly with word length (115k chars: ~2 s).
        // When no vocabulary entry holds '▁' after another character, no merge can cross the start of a
        // '▁' run, so cutting there gives the same ids as one long word.
        var splitBeforeMetaspace = !preTokenizer.ByteLevel && !vocab.Keys.Any(HasMetaspaceAfterOther);
        return new HfBpeModel(bpe, preTokenizer.ByteLevel, HfJson.Bool(model, "ignore_merges", false),
            byteFallback ? vocab[unknown!] : null, splitBeforeMetaspace) { Vocab = vocab };
    }

    private static bool HasMetaspaceAfterOther(string token)
    {
        for (var i = 1; i < token.Length; i++)
            if (token[i] == Metaspace && token[i - 1] != Metaspace) return true;
        return false;
    }

    public override void Encode(string piece, List<int> ids)
    {
        if (_splitBeforeMetaspace && !(_ignoreMerges && Vocab.ContainsKey(piece)))
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
        if (_ignoreMerges && Vocab.TryGetValue(_byteLevel ? ByteLevelAlphabet.Encode(piece) : piece, out var whole))
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
            var byteIds = Encoding.UTF8.GetBytes(piece[start..end]).Select(b => Vocab.TryGetValue($"<0x{b:X2}>", out var id) ? id : -1).ToList();
            if (byteIds.Contains(-1))
                for (var k = i; k <= j; k++) ids.Add(unk);
            else
                ids.AddRange(byteIds);
            i = j;
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
}

/// <summary>
/// WordPiece (BERT and its descendants): each pre-token is split greedily into the longest vocabulary entries from
/// the left, continuations carrying the subword prefix ("##"); a word with a part not in the vocabulary, or longer
/// than max_input_chars_per_word, is one unknown token. The algorithm is Microsoft.ML.Tokenizers'
/// <see cref="WordPieceTokenizer"/>, fed one pre-token at a time (the Hugging Face pipeline around it runs here).
/// </summary>
internal sealed class HfWordPieceModel : HfModel
{
    private readonly WordPieceTokenizer _wordPiece;

    private HfWordPieceModel(WordPieceTokenizer wordPiece) => _wordPiece = wordPiece;

    public static HfWordPieceModel Create(JsonElement model, Dictionary<string, int> vocab, string where)
    {
        var unknown = HfJson.String(model, "unk_token") ?? "[UNK]";
        if (!vocab.ContainsKey(unknown)) throw new InvalidDataException($"{where}.unk_token: '{unknown}' is not in the vocabulary.");
        var maxChars = model.TryGetProperty("max_input_chars_per_word", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt32() : 100;
        return Create(vocab, unknown, HfJson.String(model, "continuing_subword_prefix") ?? "##", maxChars, where);
    }

    /// <summary>A WordPiece model over <paramref name="vocab"/>, whose ids must be 0 to n − 1 (a vocab.txt's line numbers).</summary>
    public static HfWordPieceModel Create(Dictionary<string, int> vocab, string unknown, string prefix, int maxInputCharsPerWord, string where)
    {
        // WordPieceTokenizer reads a vocab.txt: token i on line i.
        var lines = new string?[vocab.Count];
        foreach (var (token, id) in vocab)
        {
            if (id < 0 || id >= lines.Length || lines[id] is not null)
                throw new NotSupportedException($"{where}.vocab: WordPiece ids must be 0 to {lines.Length - 1}, each once; id {id} ('{token}') is not.");
            if (token.Contains('\n') || token.Contains('\r'))
                throw new NotSupportedException($"{where}.vocab: token {id} holds a line break.");
            lines[id] = token;
        }
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
        var wordPiece = WordPieceTokenizer.Create(stream, new WordPieceOptions
        {
            UnknownToken = unknown,
            ContinuingSubwordPrefix = prefix,
            MaxInputCharsPerWord = maxInputCharsPerWord,
            PreTokenizer = null,
            Normalizer = null,
        });
        return new HfWordPieceModel(wordPiece) { Vocab = vocab };
    }

    public override void Encode(string piece, List<int> ids) =>
        ids.AddRange(_wordPiece.EncodeToIds(piece, considerPreTokenization: false, considerNormalization: false));
}
