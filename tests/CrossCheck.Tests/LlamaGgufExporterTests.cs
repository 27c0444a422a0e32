using BioEval.Models.Gguf;
using BioEval.Models.Tiny;

namespace BioEval.CrossCheck.Tests;

/// <summary>What the GGUF export of a tiny model holds, read back with our own reader (no llama.cpp needed).</summary>
public sealed class LlamaGgufExporterTests(TinyGgufFixture model) : IClassFixture<TinyGgufFixture>
{
    private readonly TinyLlamaConfig _config = new();

    [Fact]
    public void HyperparametersAreWrittenUnderTheLlamaKeysWithTheTypesLlamaCppChecks()
    {
        var file = GgufFile.Read(model.Gguf(1));

        Assert.Equal("llama", file["general.architecture"].AsString());
        Assert.Equal(0u, file["general.file_type"].AsUInt32());
        Assert.Equal((uint)_config.MaxPositionEmbeddings, file["llama.context_length"].AsUInt32());
        Assert.Equal((uint)_config.HiddenSize, file["llama.embedding_length"].AsUInt32());
        Assert.Equal((uint)_config.NumHiddenLayers, file["llama.block_count"].AsUInt32());
        Assert.Equal((uint)_config.IntermediateSize, file["llama.feed_forward_length"].AsUInt32());
        Assert.Equal((uint)_config.NumAttentionHeads, file["llama.attention.head_count"].AsUInt32());
        Assert.Equal((uint)_config.NumKeyValueHeads, file["llama.attention.head_count_kv"].AsUInt32());
        Assert.Equal((float)_config.RmsNormEps, file["llama.attention.layer_norm_rms_epsilon"].AsFloat32());
        Assert.Equal((float)_config.RopeTheta, file["llama.rope.freq_base"].AsFloat32());
        Assert.Equal((uint)_config.HeadDim, file["llama.rope.dimension_count"].AsUInt32());
    }

    [Fact]
    public void TheByteLevelTokenizerBecomesGpt2TokenizerMetadata()
    {
        var file = GgufFile.Read(model.Gguf(1));
        var tokens = file["tokenizer.ggml.tokens"].AsStrings();
        var types = file["tokenizer.ggml.token_type"].AsInt32s();

        Assert.Equal("gpt2", file["tokenizer.ggml.model"].AsString());
        Assert.Equal("gpt-2", file["tokenizer.ggml.pre"].AsString());
        Assert.Equal(TinyTokenizerSpec.VocabSize, tokens.Count);
        Assert.Equal("Ġ", tokens[' ']); // byte ids are the byte values, spelled with GPT-2's byte symbols
        Assert.Equal(TinyTokenizerSpec.Bos, tokens[TinyTokenizerSpec.BosId]);
        Assert.Equal(3, types[TinyTokenizerSpec.BosId]); // control
        Assert.Equal(1, types['a']);                     // normal
        Assert.Equal(TinyTokenizerSpec.MergeCount, file["tokenizer.ggml.merges"].AsStrings().Count);
        Assert.Equal($"{TinyModelBuilder.Merges[0].Left} {TinyModelBuilder.Merges[0].Right}", file["tokenizer.ggml.merges"].AsStrings()[0]);
        Assert.Equal((uint)TinyTokenizerSpec.BosId, file["tokenizer.ggml.bos_token_id"].AsUInt32());
        Assert.Equal((uint)TinyTokenizerSpec.EosId, file["tokenizer.ggml.eos_token_id"].AsUInt32());
        Assert.True(file["tokenizer.ggml.add_bos_token"].AsBool());
        Assert.Equal(TinyTokenizerSpec.ChatTemplate, file["tokenizer.chat_template"].AsString());
    }

    [Fact]
    public void TensorsUseLlamaCppNamesAndGgmlDimensionOrder()
    {
        var file = GgufFile.Read(model.Gguf(1));
        int h = _config.HiddenSize, q = _config.NumAttentionHeads * _config.HeadDim, kv = _config.NumKeyValueHeads * _config.HeadDim;
        int ff = _config.IntermediateSize, v = _config.VocabSize;
        ulong[] Dims(string name) => [.. file.Tensors.Single(t => t.Name == name).Dimensions];

        Assert.Equal(3 + 9 * _config.NumHiddenLayers, file.Tensors.Count);
        Assert.All(file.Tensors, t => Assert.Equal(GgmlType.F32, t.Type));
        Assert.Equal([(ulong)h, (ulong)v], Dims("token_embd.weight"));
        Assert.Equal([(ulong)h], Dims("blk.1.attn_norm.weight"));
        Assert.Equal([(ulong)h, (ulong)q], Dims("blk.0.attn_q.weight"));
        Assert.Equal([(ulong)h, (ulong)kv], Dims("blk.0.attn_k.weight"));
        Assert.Equal([(ulong)h, (ulong)kv], Dims("blk.0.attn_v.weight"));
        Assert.Equal([(ulong)q, (ulong)h], Dims("blk.0.attn_output.weight"));
        Assert.Equal([(ulong)h], Dims("blk.0.ffn_norm.weight"));
        Assert.Equal([(ulong)h, (ulong)ff], Dims("blk.1.ffn_gate.weight"));
        Assert.Equal([(ulong)h, (ulong)ff], Dims("blk.1.ffn_up.weight"));
        Assert.Equal([(ulong)ff, (ulong)h], Dims("blk.1.ffn_down.weight"));
        Assert.Equal([(ulong)h], Dims("output_norm.weight"));
        Assert.Equal([(ulong)h, (ulong)v], Dims("output.weight"));
    }

    [Fact]
    public void WeightsAreTheSeededOnesTransposedWithQueryAndKeyRowsInterleavedPerHead()
    {
        // The seed regenerates the weights independently of the ONNX file the exporter read.
        var weights = TinyLlamaWeights.Create(_config, 2);
        var file = GgufFile.Read(model.Gguf(2));
        int h = _config.HiddenSize, d = _config.HeadDim, ff = _config.IntermediateSize;

        Assert.Equal(weights.Embedding, file.ReadFloat32("token_embd.weight"));
        Assert.Equal(weights.Layers[1].InputNorm, file.ReadFloat32("blk.1.attn_norm.weight"));
        Assert.Equal(weights.FinalNorm, file.ReadFloat32("output_norm.weight"));

        // GGUF row r of ffn_down (output feature r) holds ONNX column r.
        var down = file.ReadFloat32("blk.0.ffn_down.weight");
        for (var r = 0; r < h; r++)
            for (var c = 0; c < ff; c++)
                Assert.Equal(weights.Layers[0].Down[c * h + r], down[r * ff + c]);

        // Key head 1, rotary pair i: GGUF rows 2i and 2i+1 are Hugging Face rows i and i + d/2.
        var k = file.ReadFloat32("blk.1.attn_k.weight");
        var kvWidth = _config.NumKeyValueHeads * d;
        for (var i = 0; i < d / 2; i++)
            for (var c = 0; c < h; c++)
            {
                Assert.Equal(weights.Layers[1].K[c * kvWidth + d + i], k[(d + 2 * i) * h + c]);
                Assert.Equal(weights.Layers[1].K[c * kvWidth + d + d / 2 + i], k[(d + 2 * i + 1) * h + c]);
            }
    }

    [Fact]
    public void InterleavingPairsRowIOfEachHalfIntoAdjacentRows()
    {
        // Two heads of dimension 4, one column: rows are h0:[a0 a1 b0 b1] h1:[c0 c1 d0 d1].
        float[] rows = [10, 11, 20, 21, 30, 31, 40, 41];
        Assert.Equal([10, 20, 11, 21, 30, 40, 31, 41], LlamaGgufExporter.InterleaveRotaryRows(rows, heads: 2, headDim: 4, cols: 1));
    }

    [Fact]
    public void AFolderThatIsNotALlamaModelIsRefusedWithTheReason()
    {
        var dir = Path.Combine(model.Root, "gpt2-like");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), """{"model_type": "gpt2", "n_embd": 64}""");

        var e = Assert.Throws<NotSupportedException>(() => LlamaGgufExporter.Export(dir, Path.Combine(dir, "x.gguf")));
        Assert.Contains("model_type is 'gpt2'", e.Message);
        Assert.False(File.Exists(Path.Combine(dir, "x.gguf")));
    }

    [Fact]
    public void AnOnnxGraphWithoutNamedWeightsIsRefusedNamingTheMissingInitializer()
    {
        // Another model's graph: valid ONNX, but its initializers are not the Llama parameters.
        var builder = new BioEval.Models.Onnx.OnnxGraphBuilder();
        var x = builder.Input("x", BioEval.Models.Onnx.OnnxDataType.Float, 1L);
        builder.Output(builder.NamedNode("y", "Add", [x, builder.Initializer("onnx::Add_1", [1f], 1)]), BioEval.Models.Onnx.OnnxDataType.Float, 1L);
        var dir = TinyFolderWithGraph("renamed", builder.Build("other", 8, 17, "test", "0"));

        var e = Assert.Throws<NotSupportedException>(() => LlamaGgufExporter.Export(dir, Path.Combine(dir, "x.gguf")));
        Assert.Contains("no float32 initializer 'model.embed_tokens.weight'", e.Message);
    }

    [Fact]
    public void WeightsInAnExternalDataFileAreRefusedNamingTheFirstOne()
    {
        var dir = Path.Combine(model.Root, "external");
        TinyModelBuilder.Write(dir, 1, externalData: true);
        var e = Assert.Throws<NotSupportedException>(() => LlamaGgufExporter.Export(dir, Path.Combine(dir, "x.gguf")));
        Assert.Contains("stored in an external data file", e.Message);
        Assert.False(File.Exists(Path.Combine(dir, "x.gguf")));
    }

    [Fact]
    public void AModelFileThatIsNotProtobufIsRefusedWithItsPath()
    {
        var dir = TinyFolderWithGraph("garbage", [0x0A, 0x7F, 0x01, 0x02]);
        var e = Assert.Throws<InvalidDataException>(() => LlamaGgufExporter.Export(dir, Path.Combine(dir, "x.gguf")));
        Assert.Contains("not a valid ONNX protobuf", e.Message);
        Assert.Contains("model.onnx", e.Message);
    }

    // A copy of the tiny folder (seed 1) under model.Root/name whose model.onnx holds other bytes.
    private string TinyFolderWithGraph(string name, byte[] onnx)
    {
        var dir = Path.Combine(model.Root, name);
        Directory.CreateDirectory(dir);
        foreach (var f in Directory.GetFiles(model.ModelDir(1)))
            File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        File.WriteAllBytes(Path.Combine(dir, "model.onnx"), onnx);
        return dir;
    }
}
