using System.Text.Json;
using System.Text.Json.Nodes;
using BioEval.Models.Tokenization;

namespace BioEval.Models.Tests.Tokenization;

/// <summary>
/// Every normalizer, pre-tokenizer and decoder type BioEval implements, one at a time and with its options, against
/// Hugging Face's Rust tokenizers. Each is put into GPT-2's real file in front of a regex-free byte-level step, so
/// every character the component leaves (or drops, or splits off) changes the ids.
/// </summary>
public sealed class TokenizerComponentParityTests
{
    public static TheoryData<string> Normalizers =>
    [
        """{"type": "NFC"}""",
        """{"type": "NFD"}""",
        """{"type": "NFKC"}""",
        """{"type": "NFKD"}""",
        """{"type": "Lowercase"}""",
        """{"type": "Strip", "strip_left": true, "strip_right": true}""",
        """{"type": "Strip", "strip_left": false, "strip_right": true}""",
        """{"type": "StripAccents"}""",
        """{"type": "Sequence", "normalizers": [{"type": "NFD"}, {"type": "StripAccents"}, {"type": "Lowercase"}]}""",
        """{"type": "Sequence", "normalizers": [{"type": "NFKD"}, {"type": "StripAccents"}, {"type": "NFC"}]}""",
        """{"type": "Replace", "pattern": {"String": " "}, "content": "_"}""",
        """{"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": " "}""",
        """{"type": "Replace", "pattern": {"Regex": "[\\p{L}]+"}, "content": "$0x"}""",
        """{"type": "Prepend", "prepend": "\u2581"}""",
        """{"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true}""",
        """{"type": "BertNormalizer", "clean_text": false, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true}""",
        """{"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": false, "strip_accents": null, "lowercase": false}""",
        """{"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": true, "lowercase": false}""",
        """{"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": false, "lowercase": true}""",
    ];

    public static TheoryData<string> PreTokenizers =>
    [
        """{"type": "Whitespace"}""",
        """{"type": "WhitespaceSplit"}""",
        """{"type": "BertPreTokenizer"}""",
        """{"type": "Punctuation", "behavior": "Isolated"}""",
        """{"type": "Punctuation", "behavior": "Removed"}""",
        """{"type": "Punctuation", "behavior": "MergedWithPrevious"}""",
        """{"type": "Punctuation", "behavior": "MergedWithNext"}""",
        """{"type": "Punctuation", "behavior": "Contiguous"}""",
        """{"type": "Digits", "individual_digits": true}""",
        """{"type": "Digits", "individual_digits": false}""",
        """{"type": "CharDelimiterSplit", "delimiter": "-"}""",
        """{"type": "FixedLength", "length": 3}""",
        """{"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": true}""",
        """{"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "first", "split": true}""",
        """{"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "never", "split": false}""",
        """{"type": "Split", "pattern": {"Regex": "\\p{N}+|\\s"}, "behavior": "Isolated", "invert": false}""",
        """{"type": "Split", "pattern": {"Regex": "\\p{N}+|\\s"}, "behavior": "Removed", "invert": false}""",
        """{"type": "Split", "pattern": {"Regex": "\\p{N}+|\\s"}, "behavior": "MergedWithPrevious", "invert": false}""",
        """{"type": "Split", "pattern": {"Regex": "\\p{N}+|\\s"}, "behavior": "MergedWithNext", "invert": false}""",
        """{"type": "Split", "pattern": {"Regex": "\\p{N}|\\s"}, "behavior": "Contiguous", "invert": false}""",
        """{"type": "Split", "pattern": {"Regex": "\\p{L}+"}, "behavior": "Removed", "invert": true}""",
        """{"type": "Split", "pattern": {"String": ", "}, "behavior": "Isolated", "invert": false}""",
        """{"type": "Split", "pattern": {"Regex": "\\p{L}+|[^\\s\\p{L}]"}, "behavior": "Isolated", "invert": false}""",
        """{"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"}, {"type": "Digits", "individual_digits": true}, {"type": "Punctuation"}]}""",
    ];

    public static TheoryData<string> Decoders =>
    [
        """{"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true}""",
        """{"type": "Sequence", "decoders": [{"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true}, {"type": "Replace", "pattern": {"String": " "}, "content": "_"}]}""",
        // Strip with start only, as the files in use have it: Rust's Strip panics on a token its stop count would
        // empty (and a panic aborts the test process through the native binding).
        """{"type": "Sequence", "decoders": [{"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}""",
        """{"type": "Sequence", "decoders": [{"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true}, {"type": "Strip", "content": "e", "start": 2, "stop": 0}]}""",
        """{"type": "Sequence", "decoders": [{"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true}, {"type": "Metaspace", "replacement": "e", "prepend_scheme": "always", "split": true}]}""",
        """{"type": "Sequence", "decoders": [{"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true}, {"type": "BPEDecoder", "suffix": "e"}]}""",
        """{"type": "Sequence", "decoders": [{"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true}, {"type": "WordPiece", "prefix": "##", "cleanup": true}]}""",
        """{"type": "Sequence", "decoders": [{"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true}, {"type": "Fuse"}]}""",
    ];

    private static string Gpt2 => Path.Combine(ReferenceTokenizers.PackageDir("tokenizer-gpt2"), "tokenizer.json");

    private static readonly JsonNode BytesOnly = JsonNode.Parse("""{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false}""")!;

    [Theory]
    [MemberData(nameof(Normalizers))]
    public void EachNormalizerGivesHuggingFacesIds(string normalizer) =>
        AssertParity(json => json["normalizer"] = JsonNode.Parse(normalizer));

    [Theory]
    [MemberData(nameof(PreTokenizers))]
    public void EachPreTokenizerGivesHuggingFacesIds(string preTokenizer) =>
        AssertParity(json => json["pre_tokenizer"] = new JsonObject
        {
            ["type"] = "Sequence", ["pretokenizers"] = new JsonArray(JsonNode.Parse(preTokenizer), BytesOnly.DeepClone()),
        });

    [Fact]
    public void TheByteLevelPreTokenizerWithAPrefixSpaceGivesHuggingFacesIds() =>
        AssertParity(json => json["pre_tokenizer"] = JsonNode.Parse("""{"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true}"""));

    [Theory]
    [MemberData(nameof(Decoders))]
    public void EachDecoderGivesHuggingFacesText(string decoder)
    {
        using var file = new RustTokenizers.Altered(Gpt2, json => json["decoder"] = JsonNode.Parse(decoder));
        var cases = ReferenceTokenizers.Cases;
        var ids = RustTokenizers.Encode(file.Path, cases, addSpecialTokens: false);
        var expected = RustTokenizers.Decode(file.Path, ids);
        var tokenizer = HfTokenizer.FromDirectory(file.Dir);
        var failures = ids.Select((x, i) => (i, Expected: expected[i], Ours: tokenizer.Decode(x, skipSpecialTokens: true)))
            .Where(x => x.Expected != x.Ours)
            .Select(x => $"case {x.i}: expected {JsonSerializer.Serialize(x.Expected)}, got {JsonSerializer.Serialize(x.Ours)}")
            .ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
    }

    private static void AssertParity(Action<JsonObject> change)
    {
        using var file = new RustTokenizers.Altered(Gpt2, change);
        var cases = ReferenceTokenizers.Cases;
        TokenizerParityTests.AssertSameIds(cases, RustTokenizers.Encode(file.Path, cases, addSpecialTokens: false),
            HfTokenizer.FromDirectory(file.Dir), addSpecialTokens: false);
    }
}
