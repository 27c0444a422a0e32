using BioEval.Harness.Metrics.Umls;

namespace BioEval.Harness.Tests.Metrics.Umls;

public sealed class UmlsIndexCacheTests : IDisposable
{
    private static readonly string[] Texts =
    [
        "Type 2 diabetes mellitus, HTN and CHF; on aspirin and metformin.",
        "No chest pain. Dyspnea on exertion; r/o PE.",
        "cold",
        "",
    ];

    private readonly string _dir = Directory.CreateTempSubdirectory("bioeval-umlsidx-").FullName;
    private readonly string _lexicon;

    public UmlsIndexCacheTests()
    {
        _lexicon = Path.Combine(_dir, "MRCONSO.RRF");
        File.Copy(RepoFiles.Fixture("umls", "MRCONSO.RRF"), _lexicon);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Cache => Path.Combine(_dir, "cache");

    [Fact]
    public void TheFirstOpenBuildsAndWritesTheSecondLoadsTheSameIndex()
    {
        var built = UmlsIndexCache.Open(_lexicon, new(), Cache);
        var loaded = UmlsIndexCache.Open(_lexicon, new(), Cache);

        Assert.False(built.FromCache);
        Assert.True(loaded.FromCache);
        Assert.Equal(built.CachePath, loaded.CachePath);
        Assert.Equal(Path.Combine(Cache, UmlsIndexCache.Key(_lexicon, new()) + ".umlsidx"), built.CachePath);
        Assert.Equal((built.Index.ConceptCount, built.Index.AliasCount), (loaded.Index.ConceptCount, loaded.Index.AliasCount));
        foreach (var text in Texts) Assert.Equal(built.Index.Match(text), loaded.Index.Match(text));
        Assert.NotEmpty(loaded.Index.Match(Texts[0]));
        Assert.Equal(Enumerable.Range(0, built.Index.ConceptCount).Select(built.Index.Name), Enumerable.Range(0, loaded.Index.ConceptCount).Select(loaded.Index.Name));
    }

    [Fact]
    public void AChangedLexiconIsBuiltAgain()
    {
        var before = UmlsIndexCache.Open(_lexicon, new(), Cache);
        File.AppendAllText(_lexicon, MrconsoReaderTests.Row("C0000099", "Gout") + "\n");

        var after = UmlsIndexCache.Open(_lexicon, new(), Cache);

        Assert.False(after.FromCache);
        Assert.NotEqual(before.CachePath, after.CachePath);
        Assert.Empty(before.Index.Match("gout"));
        Assert.Equal(["Gout"], after.Index.ConceptNames("gout"));
    }

    [Fact]
    public void ALexiconTouchedWithoutOtherChangesIsBuiltAgain()
    {
        UmlsIndexCache.Open(_lexicon, new(), Cache);
        File.SetLastWriteTimeUtc(_lexicon, File.GetLastWriteTimeUtc(_lexicon).AddSeconds(5));
        Assert.False(UmlsIndexCache.Open(_lexicon, new(), Cache).FromCache);
    }

    [Fact]
    public void OtherSourcesHaveTheirOwnCacheFile()
    {
        var all = UmlsIndexCache.Open(_lexicon, new(), Cache);
        var msh = UmlsIndexCache.Open(_lexicon, new() { Sources = ["MSH"] }, Cache);
        var mshAgain = UmlsIndexCache.Open(_lexicon, new() { Sources = ["MSH", "MSH"] }, Cache);

        Assert.NotEqual(all.CachePath, msh.CachePath);
        Assert.False(msh.FromCache);
        Assert.True(mshAgain.FromCache); // sources are a set
        Assert.Equal(17, mshAgain.Index.ConceptCount);
    }

    [Fact]
    public void ADamagedCacheFileIsBuiltAgain()
    {
        var first = UmlsIndexCache.Open(_lexicon, new(), Cache);
        var bytes = File.ReadAllBytes(first.CachePath);
        File.WriteAllBytes(first.CachePath, bytes[..(bytes.Length / 2)]);

        var second = UmlsIndexCache.Open(_lexicon, new(), Cache);

        Assert.False(second.FromCache);
        Assert.Equal(first.Index.Match(Texts[0]), second.Index.Match(Texts[0]));
        Assert.True(UmlsIndexCache.Open(_lexicon, new(), Cache).FromCache);
    }

    [Fact]
    public void LoadRefusesAnotherStampAndAnotherFile()
    {
        var path = Path.Combine(_dir, "x.umlsidx");
        UmlsIndex.Build(_lexicon).Save(path, "stamp-a");
        Assert.Equal(19, UmlsIndex.Load(path, "stamp-a").ConceptCount);
        Assert.Throws<InvalidDataException>(() => UmlsIndex.Load(path, "stamp-b"));
        Assert.Throws<InvalidDataException>(() => UmlsIndex.Load(_lexicon));
    }
}
