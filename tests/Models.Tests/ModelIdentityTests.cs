namespace BioEval.Models.Tests;

/// <summary>A model's identity changes with anything that changes its outputs, and only with that.</summary>
public sealed class ModelIdentityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bioeval-identity-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private ModelSpec Folder(string name, IReadOnlyDictionary<string, string>? options = null)
    {
        var folder = Path.Combine(_dir, name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), """{"num_hidden_layers": 2}""");
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), """{"chat_template": "{{ messages }}"}""");
        // Weights larger than the two hashed MiB, so the middle is covered by the size only.
        var weights = new byte[3 << 20];
        new Random(1).NextBytes(weights);
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), weights);
        return new ModelSpec("m", "onnx", folder, options);
    }

    [Fact]
    public void EqualFoldersHaveEqualIdentitiesWhereverTheyAre()
    {
        Assert.Equal(ModelIdentity.Of(Folder("a")), ModelIdentity.Of(Folder("b")));
    }

    [Fact]
    public void SwappedWeightsChangeTheIdentity()
    {
        var spec = Folder("a");
        var before = ModelIdentity.Of(spec);
        var path = Path.Combine(spec.Path!, "model.onnx");
        var bytes = File.ReadAllBytes(path);
        bytes[^10] ^= 0xFF; // inside the last MiB
        File.WriteAllBytes(path, bytes);
        Assert.NotEqual(before, ModelIdentity.Of(spec));
        File.WriteAllBytes(path, bytes[..^1]); // another size
        Assert.NotEqual(before, ModelIdentity.Of(spec));
    }

    [Fact]
    public void ASwappedChatTemplateChangesTheIdentityInTheTokenizerConfigOrAsAFile()
    {
        var spec = Folder("a");
        var before = ModelIdentity.Of(spec);
        File.WriteAllText(Path.Combine(spec.Path!, "tokenizer_config.json"), """{"chat_template": "{{ messages[0] }}"}""");
        var edited = ModelIdentity.Of(spec);
        Assert.NotEqual(before, edited);

        var template = Path.Combine(_dir, "template.jinja");
        File.WriteAllText(template, "{{ 1 }}");
        var withFile = spec with { Options = new Dictionary<string, string> { ["chat_template"] = template } };
        var first = ModelIdentity.Of(withFile);
        File.WriteAllText(template, "{{ 2 }}");
        Assert.NotEqual(first, ModelIdentity.Of(withFile));
        Assert.NotEqual(edited, first);
    }

    [Fact]
    public void OptionsThatChangeOnlySpeedLeaveTheIdentityAndOthersChangeIt()
    {
        var plain = ModelIdentity.Of(Folder("a"));
        Assert.Equal(plain, ModelIdentity.Of(Folder("a", new Dictionary<string, string> { ["threads"] = "4", ["device"] = "cpu", ["max_batch_size"] = "2" })));
        Assert.NotEqual(plain, ModelIdentity.Of(Folder("a", new Dictionary<string, string> { ["add_special_tokens"] = "true" })));
        Assert.NotEqual(plain, ModelIdentity.Of(Folder("a") with { Kind = "tiny" }));
    }

    [Fact]
    public void AFileDigestIsTheSizeAndTheHashOfTheWholeFileUpToTwoMiB()
    {
        var path = Path.Combine(_dir, "small.txt");
        File.WriteAllText(path, "abc");
        // sha256("abc")
        Assert.Equal("3:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ModelIdentity.FileDigest(path));
    }
}
