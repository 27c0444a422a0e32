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
    [InlineData("""{"models":[{"name":"a","kind":"oracle"}],"pairs":[{"base":"a","bio":"x"}]}""", ":1: the pair names unknown model 'x'.")]
    [InlineData("""{"models":[{"name":"a","kind":"oracle"},{"name":"a","kind":"lead"}]}""", "model 'a' is named twice (first at ")]
    [InlineData("""{"models":[{"kind":"oracle"}]}""", ":1: the entry lacks \"name\".")]
    [InlineData("""{"models":[{"name":"a","kind":"oracel"}]}""", "unknown kind 'oracel' (did you mean oracle?)")]
    [InlineData("""{"models":[{"name":"a","kind":"lead","options":{"sentence":"2"}}]}""", "unknown option \"sentence\" for kind lead (did you mean sentences?). Known options: sentences.")]
    [InlineData("""{"models":[{"name":"a","kind":"lead","options":{"sentences":2}}]}""", "option \"sentences\" must be a string (write \"2\").")]
    [InlineData("""{"models":[{"name":"a","kind":"lead","options":{"sentences":"0"}}]}""", "option \"sentences\" must be an integer of at least 1, got '0'.")]
    [InlineData("""{"models":[{"name":"a","kind":"tiny","path":"t","options":{"device":"gpu","seed":"1"}}]}""", "option \"device\" must be auto, cuda or cpu, got 'gpu'.")]
    [InlineData("""{"models":[{"name":"a","kind":"tiny","path":"t"}]}""", "kind tiny needs option \"seed\".")]
    [InlineData("""{"models":[{"name":"a","kind":"oracle","pth":"x"}]}""", "unknown field \"pth\" (did you mean path?)")]
    [InlineData("""{"modles":[]}""", "unknown field \"modles\" (did you mean models?)")]
    public void InvalidRegistriesSayWhatIsWrongAndWhere(string json, string expected)
    {
        var path = Write(json);
        var e = Assert.Throws<InvalidDataException>(() => ModelRegistry.Load(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void EveryProblemIsListedWithTheLineOfItsEntry()
    {
        var path = Write("""
            {
              "models": [
                { "name": "a", "kind": "oracle" },
                { "name": "b", "kind": "lead",
                  "options": { "sentencs": "2" } },
                { "name": "c", "kind": "onnx", "path": "m", "options": { "max_batch_size": "0" } }
              ],
              "pairs": [ { "base": "a", "bio": "d" } ]
            }
            """);
        var e = Assert.Throws<InvalidDataException>(() => ModelRegistry.Load(path));
        Assert.Equal(
            $"Model registry {path}: 3 problems:\n"
            + $"  - {path}:4 model 'b': unknown option \"sentencs\" for kind lead (did you mean sentences?). Known options: sentences.\n"
            + $"  - {path}:6 model 'c': option \"max_batch_size\" must be an integer of at least 1, got '0'.\n"
            + $"  - {path}:8: the pair names unknown model 'd'.", e.Message);
    }

    [Fact]
    public void AJsonErrorHasOnePositionTheFilesLineAndColumn()
    {
        var path = Write("{\n  \"models\": [\n    { \"name\": \"é\", \"kind\" \"oracle\" }\n  ]\n}");
        var e = Assert.Throws<InvalidDataException>(() => ModelRegistry.Load(path));
        Assert.StartsWith($"{path}:3:27: invalid JSON: ", e.Message); // in characters: "é" is two bytes
        Assert.DoesNotContain("LineNumber", e.Message);
        Assert.DoesNotContain("BytePosition", e.Message);
    }

    [Fact]
    public void FileOptionsResolveAgainstTheRegistryFolder()
    {
        var path = Write("""{"models":[{"name":"a","kind":"onnx","path":"m","options":{"chat_template":"t/template.jinja"}}]}""");
        var spec = ModelRegistry.Load(path).Model("a");
        Assert.Equal(Path.Combine(Path.GetDirectoryName(path)!, "t", "template.jinja"), spec.Option("chat_template"));
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
