using BioEval.Harness.Registry;

namespace BioEval.Harness.Tests.Runs;

public sealed class ModelRegistryTests
{
    private static string Write(string json)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "models.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void PairsNameTheirModelsAndPathsResolveAgainstTheFile()
    {
        var path = Write("""{"models":[{"name":"a","kind":"oracle"},{"name":"b","kind":"onnx","path":"m/b"}],"pairs":[{"base":"a","bio":"b"}]}""");
        var r = ModelRegistry.Load(path);
        Assert.Equal("a->b", r.Pairs.Single().Name);
        Assert.Equal(Path.Combine(Path.GetDirectoryName(path)!, "m", "b"), r.Model("b").Path);
    }

    [Theory]
    [InlineData("""{"models":[{"name":"a","kind":"oracle"}],"pairs":[{"base":"a","bio":"x"}]}""", "unknown model 'x'")]
    [InlineData("""{"models":[{"name":"a","kind":"oracle"},{"name":"a","kind":"lead"}]}""", "twice")]
    [InlineData("""{"models":[{"kind":"oracle"}]}""", "lacks 'name'")]
    [InlineData("""{"models": [""", "not valid JSON")]
    public void InvalidRegistriesSayWhatIsWrong(string json, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => ModelRegistry.Load(Write(json)));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void EveryShippedRegistryLoads()
    {
        var dir = Path.Combine(BioEval.Harness.Runs.RepoPaths.Root(), "runsettings", "models");
        Environment.SetEnvironmentVariable("BIOEVAL_MODELS_DIR", "/models");
        foreach (var file in Directory.GetFiles(dir, "*.json"))
            Assert.NotEmpty(ModelRegistry.Load(file).Pairs);
        Assert.Equal(12, ModelRegistry.Load(Path.Combine(dir, "paper.json")).Pairs.Count);
    }
}
