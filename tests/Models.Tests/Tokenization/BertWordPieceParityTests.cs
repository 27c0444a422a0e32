using System.Text.Json;
using BioEval.Models.Tokenization;

namespace BioEval.Models.Tests.Tokenization;

/// <summary>
/// WordPiece, on a real uncased BERT vocabulary (the model-based metrics' encoders use one): ids and text equal Hugging
/// Face's Rust tokenizers and its JavaScript port, and a folder holding only vocab.txt reads as the converted file.
/// </summary>
public sealed class BertWordPieceParityTests : IDisposable
{
    private readonly string _dir = BertVocabFiles.WriteTokenizerJson();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Json => Path.Combine(_dir, "tokenizer.json");

    /// <summary>The parity corpus and cases for WordPiece itself: long words, unknown characters, subword splits.</summary>
    private static string[] Cases =>
    [
        .. ReferenceTokenizers.Cases,
        "unaffable pneumonoultramicroscopicsilicovolcanoconiosis electroencephalography",
        new string('a', 100), new string('a', 101), "x" + new string('b', 150) + " tail",
        "Snowman \u2603 and \U0001F600 are [UNK] here; [CLS] [SEP] [MASK] [PAD] inside text",
        "don't can't I'm we've they're it's . , ? ! do not",
    ];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheUncasedBertFileGivesTheIdsOfHuggingFacesRustTokenizers(bool addSpecialTokens)
    {
        var cases = Cases;
        TokenizerParityTests.AssertSameIds(cases, RustTokenizers.Encode(Json, cases, addSpecialTokens), HfTokenizer.FromDirectory(_dir), addSpecialTokens);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheUncasedBertFileGivesTheIdsOfTheJavaScriptPort(bool addSpecialTokens)
    {
        // Left to the Rust test: astral characters (JavaScript's string functions see UTF-16 halves, so CJK Extension B
        // ideographs are not spaced apart) and capital sigma (its toLowerCase gives a final ς; Rust lowercases by
        // character, as the BERT normalizer means).
        string[] cases = [.. Cases.Where(c => !c.Any(char.IsSurrogate) && !c.Contains('\u03A3'))];
        var casesFile = Path.Combine(_dir, "cases.json");
        File.WriteAllText(casesFile, JsonSerializer.Serialize(cases));
        var reference = ReferenceTokenizers.Run(_dir, casesFile, addSpecialTokens).Select(r => r.Ids).ToList();
        TokenizerParityTests.AssertSameIds(cases, reference, HfTokenizer.FromDirectory(_dir), addSpecialTokens);
    }

    [Fact]
    public void DecodeGivesHuggingFacesTextWithTheWordPieceCleanUp()
    {
        var tokenizer = HfTokenizer.FromDirectory(_dir);
        var ids = RustTokenizers.Encode(Json, Cases, addSpecialTokens: true);
        var expected = RustTokenizers.Decode(Json, ids);
        var failures = ids.Select((x, i) => (i, Expected: expected[i], Ours: tokenizer.Decode(x, skipSpecialTokens: true)))
            .Where(x => x.Expected != x.Ours)
            .Select(x => $"case {x.i}: expected {JsonSerializer.Serialize(x.Expected)}, got {JsonSerializer.Serialize(x.Ours)}")
            .ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
        // The clean-up runs on each token after its space is added: " ," and " ?" lose the space, but the apostrophe
        // of "don ' t" is a token of its own, so " ' " never appears within one token.
        Assert.Equal("unaffable don ' t, really?", tokenizer.Decode(tokenizer.Encode("Unaffable don't , really ?", false), skipSpecialTokens: true));
    }

    /// <summary>A temporary folder holding only vocab.txt (given lines, or the real vocabulary) and a tokenizer_config.json.</summary>
    private sealed class VocabOnlyFolder : IDisposable
    {
        public VocabOnlyFolder(string config, string[]? lines = null)
        {
            if (lines is null) File.Copy(BertVocabFiles.VocabPath, Path.Combine(Dir, "vocab.txt"));
            else File.WriteAllLines(Path.Combine(Dir, "vocab.txt"), lines);
            File.WriteAllText(Path.Combine(Dir, "tokenizer_config.json"), config);
        }

        public string Dir { get; } = Directory.CreateTempSubdirectory("bioeval-vocab-only-").FullName;

        public void Dispose() => Directory.Delete(Dir, recursive: true);
    }

    [Fact]
    public void AFolderWithOnlyVocabTxtReadsAsHuggingFaceConvertsBertTokenizer()
    {
        using var folder = new VocabOnlyFolder("""{"do_lower_case": true}""");
        var fromVocab = HfTokenizer.FromDirectory(folder.Dir);
        var cases = Cases;
        TokenizerParityTests.AssertSameIds(cases, RustTokenizers.Encode(Json, cases, addSpecialTokens: true), fromVocab, addSpecialTokens: true);
        TokenizerParityTests.AssertSameIds(cases, RustTokenizers.Encode(Json, cases, addSpecialTokens: false), fromVocab, addSpecialTokens: false);
        Assert.Equal([101, 7592, 2088, 102], fromVocab.Encode("Hello World", addSpecialTokens: true));
    }

    [Fact]
    public void ACasedVocabTxtFolderKeepsCaseAndAccentsWhenTheConfigSaysSo()
    {
        using var folder = new VocabOnlyFolder("""{"do_lower_case": false}""");
        using var cased = new RustTokenizers.Altered(Json, json => json["normalizer"] = System.Text.Json.Nodes.JsonNode.Parse(
            """{"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": false}"""));
        var cases = Cases;
        TokenizerParityTests.AssertSameIds(cases, RustTokenizers.Encode(cased.Path, cases, addSpecialTokens: true), HfTokenizer.FromDirectory(folder.Dir), addSpecialTokens: true);
    }

    [Fact]
    public void ARepeatedLineInVocabTxtIsRefusedWithItsLineNumber()
    {
        using var folder = new VocabOnlyFolder("{}", ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "a"]);
        var e = Assert.Throws<InvalidDataException>(() => HfTokenizer.FromDirectory(folder.Dir));
        Assert.Contains("vocab.txt: line 7", e.Message);
    }
}
