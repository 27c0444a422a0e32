using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BioEval.Models.Tokenization;

/// <summary>
/// A BERT-family folder that ships only a WordPiece <c>vocab.txt</c> (token i on line i), as many encoders do: turned
/// into the tokenizer.json that Hugging Face's slow-to-fast conversion writes for <c>BertTokenizer</c>, so it runs
/// through the same pipeline as any other file. That conversion gives: BertNormalizer (clean_text, CJK spacing,
/// strip_accents and lowercase from tokenizer_config.json's do_lower_case, tokenize_chinese_chars, strip_accents),
/// BertPreTokenizer, WordPiece ("##", 100 characters per word at most), "[CLS] $A [SEP]", and the WordPiece decoder.
/// </summary>
internal static class BertVocab
{
    public const string FileName = "vocab.txt";

    /// <summary>The tokenizer.json equivalent of <paramref name="vocabPath"/> with the settings of <paramref name="config"/>.</summary>
    public static JsonDocument ToTokenizerJson(string vocabPath, JsonElement? config)
    {
        var lines = File.ReadAllLines(vocabPath, new UTF8Encoding(false, throwOnInvalidBytes: true));
        var vocab = new JsonObject();
        for (var i = 0; i < lines.Length; i++)
        {
            var token = lines[i].TrimEnd('\r');
            // A repeated line keeps its first id, as Hugging Face's vocabulary loader does not: refuse instead.
            if (vocab.ContainsKey(token)) throw new InvalidDataException($"{vocabPath}: line {i + 1} repeats the token '{token}' of an earlier line.");
            vocab[token] = i;
        }
        string Special(string key, string fallback)
        {
            var token = config is { } c && c.TryGetProperty(key, out var v) ? v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Object when v.TryGetProperty("content", out var content) => content.GetString(),
                _ => null,
            } : null;
            return token ?? fallback;
        }
        bool? Flag(string key) => config is { } c && c.TryGetProperty(key, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

        var unk = Special("unk_token", "[UNK]");
        var cls = Special("cls_token", "[CLS]");
        var sep = Special("sep_token", "[SEP]");
        var added = new JsonArray();
        foreach (var token in new[] { Special("pad_token", "[PAD]"), unk, cls, sep, Special("mask_token", "[MASK]") }.Distinct())
        {
            if (vocab[token] is not { } id) throw new InvalidDataException($"{vocabPath}: the special token '{token}' is not in the vocabulary.");
            added.Add(new JsonObject
            {
                ["id"] = id.GetValue<int>(), ["content"] = token, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false,
                ["normalized"] = false, ["special"] = true,
            });
        }
        var stripAccents = Flag("strip_accents");
        var json = new JsonObject
        {
            ["added_tokens"] = added,
            ["normalizer"] = new JsonObject
            {
                ["type"] = "BertNormalizer", ["clean_text"] = true, ["handle_chinese_chars"] = Flag("tokenize_chinese_chars") ?? true,
                ["strip_accents"] = stripAccents is { } s ? JsonValue.Create(s) : null, ["lowercase"] = Flag("do_lower_case") ?? true,
            },
            ["pre_tokenizer"] = new JsonObject { ["type"] = "BertPreTokenizer" },
            ["post_processor"] = new JsonObject
            {
                ["type"] = "BertProcessing", ["sep"] = new JsonArray(sep, vocab[sep]!.GetValue<int>()), ["cls"] = new JsonArray(cls, vocab[cls]!.GetValue<int>()),
            },
            ["decoder"] = new JsonObject { ["type"] = "WordPiece", ["prefix"] = "##", ["cleanup"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "WordPiece", ["unk_token"] = unk, ["continuing_subword_prefix"] = "##", ["max_input_chars_per_word"] = 100,
                ["vocab"] = vocab,
            },
        };
        return JsonDocument.Parse(json.ToJsonString());
    }
}
