using System.Security.Cryptography;
using BioEval.Models.Encoders;
using BioEval.Models.Tests.Tokenization;
using BioEval.TestSupport;

namespace BioEval.Models.Tests.Encoders;

/// <summary>
/// The encoder on the embedded all-MiniLM-L6-v2: how texts become ids (bert_score's: trimmed, [CLS] … [SEP], at most
/// 512 tokens), one vector per token, batches that change nothing, a cache of seen texts, and the errors a user's
/// folder can cause.
/// </summary>
public sealed class BertEncoderTests(BertEncoderTests.Encoder fixture) : IClassFixture<BertEncoderTests.Encoder>
{
    /// <summary>One encoder for the class: a session is made once, as in a run.</summary>
    public sealed class Encoder : IDisposable
    {
        public BertEncoder Value { get; } = MiniLm.Open();

        public void Dispose() => Value.Dispose();
    }

    private const int Cls = 101;
    private const int Sep = 102;
    private BertEncoder Bert => fixture.Value;

    private static string LongText(int words) => string.Join(' ', Enumerable.Range(0, words).Select(i => $"finding{i % 7} of the lung"));

    [Fact]
    public void ItDescribesItselfForResults()
    {
        Assert.Equal(EmbeddedMiniLm.Name, Bert.Name);
        Assert.Equal(EncoderOutputs.LastHiddenState, Bert.OutputName);
        Assert.Equal(6, Bert.Layer);
        Assert.Equal(384, Bert.HiddenSize);
        Assert.Equal(512, Bert.MaxTokens);
        Assert.Equal("CPU", Bert.ExecutionProvider);
    }

    [Fact]
    public void TheFileHashesAreTheSha256OfTheFolderFiles()
    {
        Assert.Equal(["config.json", "model.onnx", "tokenizer_config.json", "vocab.txt"], Bert.FileHashes.Keys.Order(StringComparer.Ordinal));
        var vocab = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(MiniLm.Folder, "vocab.txt"))));
        Assert.Equal(vocab, Bert.FileHashes["vocab.txt"]);
        Assert.Matches("^[0-9a-f]{64}$", Bert.FileHashes["model.onnx"]);
    }

    [Fact]
    public void ATextIsTrimmedLowerCasedAndWrappedInClsAndSep()
    {
        Assert.Equal([Cls, 7592, 2088, Sep], Bert.Tokenize("  Hello World \n"));
        Assert.Equal([Cls, Sep], Bert.Tokenize(""));
        Assert.Equal([Cls, Sep], Bert.Tokenize(" \t\n"));
    }

    [Fact]
    public void ALongTextKeepsItsFirst510TokensBetweenClsAndSep()
    {
        var text = LongText(400);
        var all = HfTokenizerTokens(text);
        Assert.True(all.Count > 1000);

        var ids = Bert.Tokenize(text);

        Assert.Equal(512, ids.Length);
        Assert.Equal(Cls, ids[0]);
        Assert.Equal(Sep, ids[^1]);
        Assert.Equal(all.Take(510), ids[1..^1]);
        Assert.Equal(512, Bert.Embed([text], TestContext.Current.CancellationToken)[0].Length);
    }

    private static IReadOnlyList<int> HfTokenizerTokens(string text) =>
        BioEval.Models.Tokenization.HfTokenizer.FromDirectory(MiniLm.Folder).Encode(text, addSpecialTokens: false);

    [Fact]
    public void EachTextGetsOneVectorOf384ValuesPerToken()
    {
        string[] texts = ["Chest pain.", "", "Patient is a 67-year-old man with type 2 diabetes."];

        var embeddings = Bert.Embed(texts, TestContext.Current.CancellationToken);

        Assert.Equal(texts.Length, embeddings.Count);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(Bert.Tokenize(texts[i]).Length, embeddings[i].Length);
            Assert.All(embeddings[i], v => Assert.Equal(384, v.Length));
            Assert.All(embeddings[i], v => Assert.Contains(v, x => x != 0));
        }
    }

    [Fact]
    public void ATextsEmbeddingsDoNotDependOnTheTextsBatchedWithIt()
    {
        const string text = "Shortness of breath on exertion, relieved by rest.";
        // Two fresh encoders, so that neither answers from its cache: one sees the text alone, the other padded into a
        // batch beside far longer texts.
        using var alone = MiniLm.Open();
        using var batched = MiniLm.Open();

        var single = alone.Embed([text], TestContext.Current.CancellationToken)[0];
        var mixed = batched.Embed([LongText(60), text, LongText(90), "Fever."], TestContext.Current.CancellationToken)[1];

        Assert.Equal(single.Length, mixed.Length);
        var largest = single.Zip(mixed).Max(p => p.First.Zip(p.Second).Max(q => Math.Abs(q.First - q.Second)));
        Assert.True(largest < 1e-5f, $"largest difference {largest}");
    }

    [Fact]
    public void ATextSeenBeforeComesFromTheCacheAsTheSameEmbeddings()
    {
        var first = Bert.Embed(["Cached: no acute distress."], TestContext.Current.CancellationToken)[0];
        var again = Bert.Embed(["  Cached: no acute distress.  ", "Cached: no acute distress."], TestContext.Current.CancellationToken);

        Assert.Same(first, again[0]);
        Assert.Same(first, again[1]);
    }

    [Fact]
    public async Task TheAsyncCallGivesTheEmbeddingsInTheOrderOfTheTexts()
    {
        string[] texts = ["Second text, the longer of the two here.", "First."];

        var embeddings = await Bert.EmbedAsync(texts, TestContext.Current.CancellationToken);

        Assert.Equal([Bert.Tokenize(texts[0]).Length, Bert.Tokenize(texts[1]).Length], embeddings.Select(e => e.Length));
    }

    /// <summary>A folder holding a link to the embedded model.onnx and whatever tokenizer files a test writes.</summary>
    private sealed class LinkedFolder : IDisposable
    {
        public LinkedFolder(bool model = true)
        {
            if (model) File.CreateSymbolicLink(Path.Combine(Dir, "model.onnx"), Path.Combine(MiniLm.Folder, "model.onnx"));
        }

        public string Dir { get; } = Directory.CreateTempSubdirectory("bioeval-encoder-").FullName;

        public void Dispose() => Directory.Delete(Dir, recursive: true);
    }

    [Fact]
    public void AFolderWithTokenizerJsonGivesTheIdsOfTheVocabTxtFolder()
    {
        using var folder = new LinkedFolder();
        var json = BertVocabFiles.WriteTokenizerJson();
        foreach (var file in Directory.GetFiles(json)) File.Copy(file, Path.Combine(folder.Dir, Path.GetFileName(file)));
        Directory.Delete(json, recursive: true);
        using var encoder = MiniLm.Open(folder: folder.Dir);

        foreach (var text in new[] { "Hello World", "Naïve café, 25 mg/dL; [SEP] inside", LongText(300) })
            Assert.Equal(Bert.Tokenize(text), encoder.Tokenize(text));
        Assert.Null(encoder.Layer); // no config.json: the layer of last_hidden_state is unknown
    }

    [Fact]
    public void ACasedTokenizerConfigKeepsCapitals()
    {
        using var folder = new LinkedFolder();
        File.Copy(Path.Combine(MiniLm.Folder, "vocab.txt"), Path.Combine(folder.Dir, "vocab.txt"));
        File.WriteAllText(Path.Combine(folder.Dir, "tokenizer_config.json"), """{"do_lower_case": false}""");
        using var encoder = MiniLm.Open(folder: folder.Dir);

        // The uncased vocabulary has no capital letters: cased, they are unknown.
        Assert.Equal([Cls, 7592, Sep], encoder.Tokenize("hello"));
        Assert.Equal([Cls, 100, Sep], encoder.Tokenize("Hello"));
    }

    [Fact]
    public void AMissingFolderIsRefusedByName()
    {
        var e = Assert.Throws<DirectoryNotFoundException>(() => MiniLm.Open(folder: "/no/such/encoder"));
        Assert.Contains("Model folder /no/such/encoder does not exist", e.Message);
    }

    [Fact]
    public void AFolderWithoutModelOnnxIsRefused()
    {
        using var folder = new LinkedFolder(model: false);
        File.Copy(Path.Combine(MiniLm.Folder, "vocab.txt"), Path.Combine(folder.Dir, "vocab.txt"));

        var e = Assert.Throws<FileNotFoundException>(() => MiniLm.Open(folder: folder.Dir));

        Assert.Contains("has no model.onnx", e.Message);
    }

    [Fact]
    public void AFolderWithNeitherTokenizerJsonNorVocabTxtIsRefused()
    {
        using var folder = new LinkedFolder();

        var e = Assert.Throws<FileNotFoundException>(() => MiniLm.Open(folder: folder.Dir));

        Assert.Contains("has neither tokenizer.json nor vocab.txt", e.Message);
    }

    [Theory]
    [InlineData(7, "Layer 7 is out of range")]
    [InlineData(3, "the output of its last layer, 6")]
    [InlineData(-1, "layers are numbered from 0")]
    public void ALayerTheExportDoesNotHoldIsRefusedSayingWhichItHas(int layer, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => BertEncoder.Open(MiniLm.Folder, new BertEncoderOptions { Layer = layer, PreferCuda = false, Log = _ => { } }));

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void TheLastLayerCanBeNamed()
    {
        using var encoder = BertEncoder.Open(MiniLm.Folder, new BertEncoderOptions { Layer = 6, PreferCuda = false, Log = _ => { } });

        Assert.Equal(EncoderOutputs.LastHiddenState, encoder.OutputName);
    }
}
