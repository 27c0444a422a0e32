using System.Text.Json;
using BioEval.Models.Onnx;
using BioEval.Models.Tests.Tiny;
using BioEval.Models.Tiny;

namespace BioEval.Models.Tests.Onnx;

public sealed class OnnxDecoderSessionTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private static readonly OnnxSessionOptions CpuOnly = new() { PreferCuda = false, IntraOpNumThreads = 1, Log = _ => { } };

    [Fact]
    public void ReadsTheLayoutShapesAndSpecialIdsOfTheTinyFolder()
    {
        using var session = OnnxDecoderSession.Open(model.Dir, CpuOnly);
        Assert.Equal("CPU", session.ExecutionProvider);
        Assert.Equal(2, session.NumLayers);
        Assert.Equal(2, session.NumKeyValueHeads);
        Assert.Equal(16, session.HeadDim);
        Assert.Equal(512, session.VocabSize);
        Assert.Equal(2048, session.ContextLength);
        Assert.Equal([TinyTokenizerSpec.EosId, TinyTokenizerSpec.EndId], session.EosTokenIds);
        Assert.Equal(TinyTokenizerSpec.PadId, session.PadTokenId);
        Assert.Equal("position_ids", session.Layout.PositionIds);
        Assert.Equal("present.1.value", session.Layout.PresentValues[1]);
    }

    [Fact]
    public void FallsBackToCpuWhenCudaCannotLoad()
    {
        // Either provider is acceptable; what matters is that opening never fails for lack of a GPU.
        using var session = OnnxDecoderSession.Open(model.Dir, CpuOnly with { PreferCuda = true });
        Assert.Contains(session.ExecutionProvider, new[] { "CPU", "CUDA" });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void IncrementalDecodingWithTheCacheEqualsFullRecomputation(int chunk)
    {
        int[] tokens = [505, 12, 400, 33, 87, 200, 201, 19, 5, 64, 300];
        var vocab = model.Weights.Config.VocabSize;
        var expected = TinyLlamaReference.Forward(model.Weights, tokens);

        using var session = OnnxDecoderSession.Open(model.Dir, CpuOnly);
        using var state = session.CreateState(1);
        var done = 0;
        var first = 4;
        while (done < tokens.Length)
        {
            var n = Math.Min(done == 0 ? first : chunk, tokens.Length - done);
            var ids = tokens.Skip(done).Take(n).Select(t => (long)t).ToArray();
            var mask = Enumerable.Repeat(1L, done + n).ToArray();
            var pos = Enumerable.Range(done, n).Select(p => (long)p).ToArray();
            session.Forward(state, ids, mask, pos, n);
            var actual = session.CopyAllLogits(state);
            TinyOnnxGraphTests.AssertClose(expected.AsSpan(done * vocab, n * vocab).ToArray(), actual);
            done += n;
        }
        Assert.Equal(tokens.Length, state.PastLength);
    }

    [Fact]
    public void RejectsInputsWhoseLengthsDoNotMatchTheCache()
    {
        using var session = OnnxDecoderSession.Open(model.Dir, CpuOnly);
        using var state = session.CreateState(1);
        var e = Assert.Throws<ArgumentException>(() => session.Forward(state, [1, 2], [1, 1, 1], [0, 1], 2));
        Assert.Contains("attention_mask", e.Message);
    }

    [Fact]
    public void AFolderWithoutADecoderListsWhatItFoundAndWhatWasExpected()
    {
        var dir = Path.Combine(Path.GetTempPath(), "bioeval-notdecoder-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var g = new OnnxGraphBuilder();
            var x = g.Input("pixels", OnnxDataType.Float, "n", 3L);
            g.Output(g.NamedNode("scores", "Identity", [x]), OnnxDataType.Float, "n", 3L);
            File.WriteAllBytes(Path.Combine(dir, "model.onnx"), g.Build("identity", 8, 17, "test", "0"));
            var e = Assert.Throws<InvalidDataException>(() => OnnxDecoderSession.Open(dir, CpuOnly));
            Assert.Contains("inputs found: pixels", e.Message);
            Assert.Contains("outputs found: scores", e.Message);
            Assert.Contains("past_key_values.%d.key", e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void GenAiNameTemplatesAreUsedWhenTheOptimumNamesAreAbsent()
    {
        using var doc = JsonDocument.Parse("""
            {"inputs": {"input_ids": "ids", "attention_mask": "mask", "past_key_names": "cache.%d.k", "past_value_names": "cache.%d.v"},
             "outputs": {"logits": "scores", "present_key_names": "new.%d.k", "present_value_names": "new.%d.v"}}
            """);
        var layout = DecoderLayout.Detect(
            ["ids", "mask", "cache.0.k", "cache.0.v", "cache.1.k", "cache.1.v"],
            ["scores", "new.0.k", "new.0.v", "new.1.k", "new.1.v"],
            doc.RootElement, "m.onnx");
        Assert.Equal(DecoderLayout.GenAiKind, layout.Kind);
        Assert.Equal(2, layout.NumLayers);
        Assert.Null(layout.PositionIds);
        Assert.Equal(["new.0.v", "new.1.v"], layout.PresentValues);
    }

    [Fact]
    public void OptimumNamesAreRecognisedWithoutAGenAiConfig()
    {
        var layout = DecoderLayout.Detect(
            ["input_ids", "attention_mask", "position_ids", "past_key_values.0.key", "past_key_values.0.value"],
            ["logits", "present.0.key", "present.0.value"], null, "m.onnx");
        Assert.Equal(DecoderLayout.OptimumKind, layout.Kind);
        Assert.Equal(1, layout.NumLayers);
    }
}
