using System.Text;
using BioEval.Models.Gguf;

namespace BioEval.CrossCheck.Tests;

public sealed class GgufWriterTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bioeval-gguf-" + Guid.NewGuid().ToString("N"));

    public GgufWriterTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static GgufWriter Sample(uint alignment = GgufWriter.DefaultAlignment) => new GgufWriter { Alignment = alignment }
        .Add("general.architecture", GgufValue.String("llama"))
        .Add("llama.block_count", GgufValue.UInt32(2))
        .Add("llama.attention.layer_norm_rms_epsilon", GgufValue.Float32(1e-5f))
        .Add("tokenizer.ggml.add_bos_token", GgufValue.Bool(true))
        .Add("tokenizer.ggml.tokens", GgufValue.Strings(["a", "Ġb", "<|bos|>", "é"]))
        .Add("tokenizer.ggml.token_type", GgufValue.Int32s([1, 1, 3, 1]))
        .Add("general.size", GgufValue.UInt64(1UL << 40))
        .AddTensor("vector", [1f, 2f, 3f], 3)
        .AddTensor("matrix", [.. Enumerable.Range(0, 6).Select(i => (float)i)], 2, 3);

    [Fact]
    public void TheFileStartsWithTheGgufMagicVersionThreeAndTheCounts()
    {
        var path = Path.Combine(_dir, "h.gguf");
        Sample().Write(path);
        var bytes = File.ReadAllBytes(path);

        Assert.Equal("GGUF", Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.Equal(3u, BitConverter.ToUInt32(bytes, 4));
        Assert.Equal(2ul, BitConverter.ToUInt64(bytes, 8));  // tensors
        Assert.Equal(7ul, BitConverter.ToUInt64(bytes, 16)); // metadata pairs
        // First key: uint64 length then UTF-8 bytes, then the value type (8 = string).
        Assert.Equal((ulong)"general.architecture".Length, BitConverter.ToUInt64(bytes, 24));
        Assert.Equal("general.architecture", Encoding.ASCII.GetString(bytes, 32, 20));
        Assert.Equal(8u, BitConverter.ToUInt32(bytes, 52));
    }

    [Fact]
    public void MetadataReadsBackWithItsTypesAndInOrder()
    {
        var path = Path.Combine(_dir, "m.gguf");
        Sample().Write(path);
        var file = GgufFile.Read(path);

        Assert.Equal(3u, file.Version);
        Assert.Equal(
            ["general.architecture", "llama.block_count", "llama.attention.layer_norm_rms_epsilon", "tokenizer.ggml.add_bos_token",
             "tokenizer.ggml.tokens", "tokenizer.ggml.token_type", "general.size"],
            file.Metadata.Select(kv => kv.Key));
        Assert.Equal("llama", file["general.architecture"].AsString());
        Assert.Equal(GgufValueType.UInt32, file["llama.block_count"].Type);
        Assert.Equal(2u, file["llama.block_count"].AsUInt32());
        Assert.Equal(1e-5f, file["llama.attention.layer_norm_rms_epsilon"].AsFloat32());
        Assert.True(file["tokenizer.ggml.add_bos_token"].AsBool());
        Assert.Equal(["a", "Ġb", "<|bos|>", "é"], file["tokenizer.ggml.tokens"].AsStrings());
        Assert.Equal([1, 1, 3, 1], file["tokenizer.ggml.token_type"].AsInt32s());
        Assert.Equal(1UL << 40, (ulong)file["general.size"].Value);
    }

    [Fact]
    public void TensorDimensionsAreReversedAndDataStartsOnAlignedOffsets()
    {
        var path = Path.Combine(_dir, "t.gguf");
        Sample().Write(path);
        var file = GgufFile.Read(path);

        var vector = file.Tensors.Single(t => t.Name == "vector");
        var matrix = file.Tensors.Single(t => t.Name == "matrix");
        Assert.Equal([3ul], vector.Dimensions);
        Assert.Equal([3ul, 2ul], matrix.Dimensions); // row-major [2, 3] is ggml [3, 2]
        Assert.Equal(GgmlType.F32, matrix.Type);
        Assert.Equal(0ul, vector.Offset);
        Assert.Equal(32ul, matrix.Offset); // 12 bytes of vector padded to the alignment
        Assert.Equal([1f, 2f, 3f], file.ReadFloat32("vector"));
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f], file.ReadFloat32("matrix"));
    }

    [Fact]
    public void ANonDefaultAlignmentIsRecordedAndHonoured()
    {
        var path = Path.Combine(_dir, "a.gguf");
        Sample(alignment: 64).Write(path);
        var file = GgufFile.Read(path);

        Assert.Equal(64u, file["general.alignment"].AsUInt32());
        Assert.Equal(64u, file.Alignment);
        Assert.Equal(64ul, file.Tensors.Single(t => t.Name == "matrix").Offset);
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f], file.ReadFloat32("matrix"));
        Assert.Equal(0, new FileInfo(path).Length % 64);
    }

    [Fact]
    public void DuplicateKeysAndShapesThatDoNotMatchTheDataAreRejected()
    {
        var w = new GgufWriter().Add("general.name", GgufValue.String("x"));
        Assert.Throws<ArgumentException>(() => w.Add("general.name", GgufValue.String("y")));
        var e = Assert.Throws<ArgumentException>(() => w.AddTensor("w", [1f, 2f, 3f], 2, 2));
        Assert.Contains("holds 4 values but 3 were given", e.Message);
    }

    [Fact]
    public void ReadingSomethingElseNamesTheFileAndWhatWasExpected()
    {
        var path = Path.Combine(_dir, "not.gguf");
        File.WriteAllText(path, "ONNX, not GGUF");
        var e = Assert.Throws<InvalidDataException>(() => GgufFile.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("not a GGUF file", e.Message);
    }
}
