using BioEval.Models.Tokenization;

namespace BioEval.Models.Tests.Tokenization;

/// <summary>Behaviour of the loader on a hand-made byte-level BPE tokenizer with hand-worked ids.</summary>
public sealed class HfTokenizerTests
{
    private const string BosTemplate = """
        {"type": "TemplateProcessing",
         "single": [{"SpecialToken": {"id": "<|bos|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
         "pair": [], "special_tokens": {"<|bos|>": {"id": "<|bos|>", "ids": [9], "tokens": ["<|bos|>"]}}}
        """;

    [Fact]
    public void MergesApplyInRankOrderWithinEachPreToken()
    {
        using var files = new TinyByteLevelTokenizer();
        var tokenizer = HfTokenizer.FromDirectory(files.Dir);
        // "abc" -> a b c -> ab c -> abc; " ab" -> Ġ a b: "a b" (rank 0) beats "Ġ a" (rank 1), then Ġ+ab has no merge.
        Assert.Equal([6, 3, 4, 8], tokenizer.Encode("abc ab!", addSpecialTokens: false));
        Assert.Equal([5], tokenizer.Encode(" a", addSpecialTokens: false));
    }

    [Fact]
    public void AddedTokensInTheTextAreSingleTokens()
    {
        using var files = new TinyByteLevelTokenizer();
        var tokenizer = HfTokenizer.FromDirectory(files.Dir);
        Assert.Equal([11, 6, 10], tokenizer.Encode("<|user|>abc<|eos|>", addSpecialTokens: false));
    }

    [Theory]
    [InlineData("ab ca", new[] { 4, 3, 12 })]   // "ca" stands alone: the added token
    [InlineData("abca", new[] { 6, 0 })]        // "ca" inside a word: plain BPE, abc + a
    public void SingleWordAddedTokensMatchOnlyWholeWords(string text, int[] expected)
    {
        using var files = new TinyByteLevelTokenizer();
        Assert.Equal(expected, HfTokenizer.FromDirectory(files.Dir).Encode(text, addSpecialTokens: false));
    }

    [Theory]
    [InlineData("""{"lstrip": true}""", "ab <|user|>ab", new[] { 4, 11, 4 })]
    [InlineData("", "ab <|user|>ab", new[] { 4, 3, 11, 4 })]
    [InlineData("""{"rstrip": true}""", "ab<|user|> ab", new[] { 4, 11, 4 })]
    [InlineData("", "ab<|user|> ab", new[] { 4, 11, 3, 4 })]
    public void StripFlagsLetAnAddedTokenSwallowTheWhitespaceBesideIt(string flags, string text, int[] expected)
    {
        using var files = new TinyByteLevelTokenizer(addedTokenOverrides: flags);
        Assert.Equal(expected, HfTokenizer.FromDirectory(files.Dir).Encode(text, addSpecialTokens: false));
    }

    [Fact]
    public void TemplatePostProcessorAddsBosOnlyWhenSpecialTokensAreAsked()
    {
        using var files = new TinyByteLevelTokenizer(postProcessor: BosTemplate);
        var tokenizer = HfTokenizer.FromDirectory(files.Dir);
        Assert.Equal([9, 6], tokenizer.Encode("abc", addSpecialTokens: true));
        Assert.Equal([6], tokenizer.Encode("abc", addSpecialTokens: false));
        Assert.Equal([9], tokenizer.Encode("", addSpecialTokens: true));
    }

    [Theory]
    [InlineData("null", """, "add_bos_token": true, "add_eos_token": true""", new[] { 9, 6, 10 })]
    [InlineData(BosTemplate, """, "add_bos_token": false""", new[] { 6 })]
    [InlineData(BosTemplate, """, "add_eos_token": true""", new[] { 6, 10 })]
    public void ExplicitBosEosFlagsInTheConfigReplaceThePostProcessor(string postProcessor, string config, int[] expected)
    {
        using var files = new TinyByteLevelTokenizer(postProcessor, config);
        Assert.Equal(expected, HfTokenizer.FromDirectory(files.Dir).Encode("abc", addSpecialTokens: true));
    }

    [Fact]
    public void SpecialTokenPropertiesComeFromTheConfig()
    {
        using var files = new TinyByteLevelTokenizer();
        var tokenizer = HfTokenizer.FromDirectory(files.Dir);
        Assert.Equal("<|bos|>", tokenizer.BosToken);
        Assert.Equal("<|eos|>", tokenizer.EosToken);
        Assert.Equal(9, tokenizer.BosTokenId);
        Assert.Equal([10], tokenizer.EosTokenIds);
        Assert.Equal(13, tokenizer.VocabSize);
        Assert.Equal(11, tokenizer.TokenToId("<|user|>"));
        Assert.Equal(7, tokenizer.TokenToId("\u0120ab"));
        Assert.Null(tokenizer.TokenToId("zzz"));
    }

    [Fact]
    public void DecodeMapsBytesBackAndCanSkipSpecialTokens()
    {
        using var files = new TinyByteLevelTokenizer();
        var tokenizer = HfTokenizer.FromDirectory(files.Dir);
        Assert.Equal("<|bos|>abc ab!<|eos|>", tokenizer.Decode([9, 6, 3, 4, 8, 10], skipSpecialTokens: false));
        Assert.Equal("abc ab!", tokenizer.Decode([9, 6, 3, 4, 8, 10], skipSpecialTokens: true));
        Assert.Equal("ab ca", tokenizer.Decode([4, 3, 12], skipSpecialTokens: true)); // "ca" is added but not special
    }

    [Fact]
    public void DecodeRejectsIdsOutsideTheVocabulary()
    {
        using var files = new TinyByteLevelTokenizer();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => HfTokenizer.FromDirectory(files.Dir).Decode([99], false));
        Assert.Contains("99", e.Message);
    }

    [Fact]
    public void MissingFolderOrFileIsReportedByPath()
    {
        var missing = Path.Combine(Path.GetTempPath(), "bioeval-no-such-tokenizer");
        Assert.Contains(missing, Assert.Throws<DirectoryNotFoundException>(() => HfTokenizer.FromDirectory(missing)).Message);
        var empty = Directory.CreateTempSubdirectory("bioeval-empty-").FullName;
        try
        {
            Assert.Contains("tokenizer.json", Assert.Throws<FileNotFoundException>(() => HfTokenizer.FromDirectory(empty)).Message);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Theory]
    [InlineData("model", """{"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0], ["a", -1.0]]}""", "model type 'Unigram'")]
    [InlineData("model", """{"type": "WordLevel", "vocab": {"a": 0}, "unk_token": "a"}""", "model type 'WordLevel'")]
    [InlineData("normalizer", """{"type": "Precompiled", "precompiled_charsmap": "AAAA"}""", "normalizer type 'Precompiled'")]
    [InlineData("normalizer", """{"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "Nmt"}]}""", "normalizer.normalizers[1]: normalizer type 'Nmt'")]
    [InlineData("pre_tokenizer", """{"type": "UnicodeScripts"}""", "pre_tokenizer: pre-tokenizer type 'UnicodeScripts'")]
    [InlineData("pre_tokenizer", """{"type": "Split", "pattern": {"String": " "}, "behavior": "Sideways", "invert": false}""", "behavior: 'Sideways'")]
    [InlineData("decoder", """{"type": "CTC", "pad_token": "<pad>", "word_delimiter_token": "|", "cleanup": true}""", "decoder type 'CTC'")]
    [InlineData("post_processor", """{"type": "Unheard"}""", "post-processor type 'Unheard'")]
    public void AComponentTypeNotImplementedIsRefusedNamingTheFileThePlaceAndTheType(string field, string json, string expected)
    {
        using var files = new TinyByteLevelTokenizer();
        var path = Path.Combine(files.Dir, "tokenizer.json");
        var file = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        file[field] = System.Text.Json.Nodes.JsonNode.Parse(json);
        File.WriteAllText(path, file.ToJsonString());
        var e = Assert.Throws<NotSupportedException>(() => HfTokenizer.FromDirectory(files.Dir));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void BpeDropoutIsRefusedBecauseItMakesIdsRandom()
    {
        using var files = new TinyByteLevelTokenizer();
        var path = Path.Combine(files.Dir, "tokenizer.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"dropout\": null", "\"dropout\": 0.1"));
        Assert.Contains("dropout", Assert.Throws<NotSupportedException>(() => HfTokenizer.FromDirectory(files.Dir)).Message);
    }

    [Fact]
    public void AComponentWithoutATypeIsAnErrorNamingThePlace()
    {
        using var files = new TinyByteLevelTokenizer();
        var path = Path.Combine(files.Dir, "tokenizer.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"normalizer\": null", "\"normalizer\": {\"lowercase\": true}"));
        var e = Assert.Throws<InvalidDataException>(() => HfTokenizer.FromDirectory(files.Dir));
        Assert.Contains($"{path}: normalizer", e.Message);
    }
}
