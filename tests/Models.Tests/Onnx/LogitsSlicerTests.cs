using BioEval.Models.Onnx;
using BioEval.Models.Tests.Tiny;
using BioEval.Models.Tiny;
using BioEval.TestSupport;
using Microsoft.ML.OnnxRuntime;

namespace BioEval.Models.Tests.Onnx;

/// <summary>
/// The graph rewrite that lets a prompt's prefill compute logits at its last position only: it must change which
/// positions get logits and nothing else, and leave alone every graph it cannot rewrite safely.
/// </summary>
public sealed class LogitsSlicerTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private static readonly OnnxSessionOptions CpuOnly = new() { PreferCuda = false, IntraOpNumThreads = 1, Log = _ => { } };

    // Two rows, the first left-padded by two.
    private static readonly long[] Ids = [0, 0, 505, 10, 20, 505, 7, 8, 9, 11];
    private static readonly long[] Mask = [0, 0, 1, 1, 1, 1, 1, 1, 1, 1];
    private static readonly long[] Positions = [0, 0, 0, 1, 2, 0, 1, 2, 3, 4];

    [Fact]
    public void TheTinyDecoderIsSlicedByDefault()
    {
        using var session = OnnxDecoderSession.Open(model.Dir, CpuOnly);
        Assert.True(session.SlicesLogits);
        Assert.Null(session.LogitsSliceNote);
        // The added input does not leak into the layout the engine drives.
        Assert.Equal(OptimumNames.InputIds, session.Layout.InputIds);
    }

    [Fact]
    public void LastPositionLogitsEqualThoseOfTheUnslicedGraph()
    {
        using var sliced = OnnxDecoderSession.Open(model.Dir, CpuOnly);
        using var plain = OnnxDecoderSession.Open(model.Dir, CpuOnly with { SliceLogits = false });
        Assert.False(plain.SlicesLogits);
        var v = sliced.VocabSize;

        using var last = sliced.CreateState(2);
        sliced.Forward(last, Ids, Mask, Positions, 5, lastLogitsOnly: true);
        Assert.Equal(1, last.LogitsPositions);
        using var full = plain.CreateState(2);
        plain.Forward(full, Ids, Mask, Positions, 5, lastLogitsOnly: true);
        Assert.Equal(5, full.LogitsPositions);

        var a = new float[2 * v];
        var b = new float[2 * v];
        sliced.CopyLastLogits(last, a);
        plain.CopyLastLogits(full, b);
        AssertClose(b, a);
        for (var r = 0; r < 2; r++) AssertClose(b.AsSpan(r * v, v).ToArray(), sliced.LastLogitsInPlace(last, r).ToArray());

        // The cache the sliced prefill leaves behind is the same: the next step's logits agree too.
        sliced.Forward(last, [1, 2], [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [3, 5], 1);
        plain.Forward(full, [1, 2], [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [3, 5], 1);
        sliced.CopyLastLogits(last, a);
        plain.CopyLastLogits(full, b);
        AssertClose(b, a);
    }

    [Fact]
    public void AStepThatKeepsEveryPositionStillReturnsThemAll()
    {
        using var sliced = OnnxDecoderSession.Open(model.Dir, CpuOnly);
        using var plain = OnnxDecoderSession.Open(model.Dir, CpuOnly with { SliceLogits = false });
        using var s1 = sliced.CreateState(2);
        using var s2 = plain.CreateState(2);
        sliced.Forward(s1, Ids, Mask, Positions, 5);
        plain.Forward(s2, Ids, Mask, Positions, 5);
        AssertClose(plain.CopyAllLogits(s2), sliced.CopyAllLogits(s1));
    }

    [Fact]
    public void ReadingAllLogitsAfterALastOnlyStepIsRefused()
    {
        using var session = OnnxDecoderSession.Open(model.Dir, CpuOnly);
        using var state = session.CreateState(2);
        session.Forward(state, Ids, Mask, Positions, 5, lastLogitsOnly: true);
        var e = Assert.Throws<InvalidOperationException>(() => session.CopyAllLogits(state));
        Assert.Contains("last position only", e.Message);
    }

    [Fact]
    public void GenerationGivesTheSameTokensWithAndWithoutSlicing()
    {
        using var sliced = OnnxDecoderSession.Open(model.Dir, CpuOnly);
        using var plain = OnnxDecoderSession.Open(model.Dir, CpuOnly with { SliceLogits = false });
        int[][] prompts = [[505, 10, 20, 30], [505, 1], [505, 200, 201, 202, 203, 204, 205]];
        var options = new GenerationOptions { MaxNewTokens = 16, StopTokenIds = [] };
        var a = new Generator(sliced).Generate(prompts, options);
        var b = new Generator(plain).Generate(prompts, options);
        // The sliced graph runs the head's MatMul on one row instead of all, which some CPUs' kernels sum differently
        // in the last bits: tokens must agree wherever the top-2 margin exceeds 1e-4 (float32 rounding here is ~1e-6).
        for (var i = 0; i < prompts.Length; i++)
            LogitAgreement.AssertGreedyAgrees(b[i].TokenIds, a[i].TokenIds, LogitAgreement.DecidedSteps(plain, prompts[i], b[i].TokenIds, 1e-4f), $"prompt {i}");
    }

    [Fact]
    public void AModelWithExternalWeightsIsSlicedAndStillFindsThem()
    {
        var dir = Path.Combine(Path.GetTempPath(), "bioeval-external-" + Guid.NewGuid().ToString("N"));
        try
        {
            TinyModelBuilder.Write(dir, TinyModelFixture.Seed, externalData: true);
            Assert.True(File.Exists(Path.Combine(dir, "model.onnx.data")));
            Assert.True(new FileInfo(Path.Combine(dir, "model.onnx")).Length < 20_000, "the weights should live in model.onnx.data");
            using var external = OnnxDecoderSession.Open(dir, CpuOnly);
            using var inline = OnnxDecoderSession.Open(model.Dir, CpuOnly with { SliceLogits = false });
            Assert.True(external.SlicesLogits);
            using var s1 = external.CreateState(2);
            using var s2 = inline.CreateState(2);
            external.Forward(s1, Ids, Mask, Positions, 5, lastLogitsOnly: true);
            inline.Forward(s2, Ids, Mask, Positions, 5);
            var a = new float[2 * external.VocabSize];
            var b = new float[2 * external.VocabSize];
            external.CopyLastLogits(s1, a);
            inline.CopyLastLogits(s2, b);
            AssertClose(b, a);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public void ARewrittenGraphThatOnnxRuntimeRefusesFallsBackToTheFileAsExported()
    {
        var said = new List<string>();
        using var options = new SessionOptions();
        var (session, slice) = OnnxDecoderSession.NewSession(Path.Combine(model.Dir, "model.onnx"), new LogitsSliceResult([0x0A, 0x02, 0x08, 0x01], null), options, said.Add);
        using (session)
        {
            Assert.False(slice.Applied);
            Assert.Contains("refused the rewritten graph", slice.Reason);
            Assert.DoesNotContain(LogitsSlicer.StartInput, session.InputMetadata.Keys);
            Assert.Contains(said, l => l.Contains("every prompt position", StringComparison.Ordinal));
        }
    }

    // Small graphs: hidden [batch, seq, 3] -> head -> ... -> logits [batch, seq, 4].

    private static readonly float[] Weight = [1, 0, 2, -1, 0, 1, 1, 3, 2, 2, 0, 1];

    private static OnnxGraphBuilder Head(out string hidden, out string product)
    {
        var g = new OnnxGraphBuilder();
        hidden = g.Input("hidden", OnnxDataType.Float, "batch", "seq", 3L);
        product = g.Node("MatMul", [hidden, g.Initializer("lm_head.weight", Weight, 3, 4)]);
        return g;
    }

    private static byte[] Build(OnnxGraphBuilder g) => g.Build("head", 8, 17, "test", "0");

    [Fact]
    public void TheSliceSeesThroughCastsScalingAndBiasToTheHead()
    {
        var g = Head(out _, out var product);
        var scaled = g.Node("Mul", [product, g.FloatScalar(0.5f)]);
        var biased = g.Node("Add", [scaled, g.Initializer("bias", [1f, 2f, 3f, 4f], 4)]);
        var logits = g.NamedNode("logits", "Cast", [biased], OnnxGraphBuilder.IntAttr("to", (long)OnnxDataType.Float));
        g.Output(logits, OnnxDataType.Float, "batch", "seq", 4L);

        var result = LogitsSlicer.Rewrite(Build(g), "logits");
        Assert.True(result.Applied, result.Reason);

        float[] hidden = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]; // [2, 2, 3]
        var expected = new float[2 * 2 * 4];
        for (var row = 0; row < 4; row++)
            for (var j = 0; j < 4; j++)
            {
                var sum = 0f;
                for (var k = 0; k < 3; k++) sum += hidden[row * 3 + k] * Weight[k * 4 + j];
                expected[row * 4 + j] = sum * 0.5f + (j + 1);
            }

        using var session = new InferenceSession(result.Model!);
        var (lastShape, last) = RunHead(session, hidden, -1);
        Assert.Equal([2L, 1, 4], lastShape);
        Assert.Equal(expected.Skip(4).Take(4).Concat(expected.Skip(12)), last);
        var (allShape, all) = RunHead(session, hidden, 0);
        Assert.Equal([2L, 2, 4], allShape);
        Assert.Equal(expected, all);
    }

    [Fact]
    public void SoftCappingWithConstantNodesIsSeenThrough()
    {
        // Gemma 2 style: logits = tanh(x / cap) * cap, the cap a Constant node as exporters write it.
        var g = Head(out _, out var product);
        var cap = g.Node("Constant", [], OnnxGraphBuilder.FloatAttr("value_float", 30f));
        var capped = g.Node("Tanh", [g.Node("Div", [product, cap])]);
        var logits = g.NamedNode("logits", "Mul", [capped, g.Node("Constant", [], OnnxGraphBuilder.FloatAttr("value_float", 30f))]);
        g.Output(logits, OnnxDataType.Float, "batch", "seq", 4L);
        var result = LogitsSlicer.Rewrite(Build(g), "logits");
        Assert.True(result.Applied, result.Reason);
        using var session = new InferenceSession(result.Model!);
        var (shape, _) = RunHead(session, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], -1);
        Assert.Equal([2L, 1, 4], shape);
    }

    [Fact]
    public void AddingAnotherPositionDependentTensorLeavesTheGraphAlone()
    {
        // hidden + (a second graph input): that operand has a sequence axis the slice would not cut.
        var g = Head(out _, out var product);
        var other = g.Input("other", OnnxDataType.Float, "batch", "seq", 4L);
        var logits = g.NamedNode("logits", "Add", [product, other]);
        g.Output(logits, OnnxDataType.Float, "batch", "seq", 4L);
        AssertLeftAlone(g, "Add");
    }

    [Fact]
    public void TiedEmbeddingsReadThroughATransposeAreAHead()
    {
        var g = new OnnxGraphBuilder();
        var hidden = g.Input("hidden", OnnxDataType.Float, "batch", "seq", 3L);
        var embedding = g.Initializer("embed_tokens.weight", Weight, 4, 3);
        var logits = g.NamedNode("logits", "MatMul", [hidden, g.Node("Transpose", [embedding])]);
        g.Output(logits, OnnxDataType.Float, "batch", "seq", 4L);
        Assert.True(LogitsSlicer.Rewrite(Build(g), "logits").Applied);
    }

    [Fact]
    public void AnOperationThatMixesPositionsOrVocabularyLeavesTheGraphAlone()
    {
        var g = Head(out _, out var product);
        var logits = g.NamedNode("logits", "Softmax", [product]);
        g.Output(logits, OnnxDataType.Float, "batch", "seq", 4L);
        AssertLeftAlone(g, "Softmax");
    }

    [Fact]
    public void AHeadWhoseOutputIsReadElsewhereLeavesTheGraphAlone()
    {
        var g = Head(out _, out var product);
        var logits = g.NamedNode("logits", "Cast", [product], OnnxGraphBuilder.IntAttr("to", (long)OnnxDataType.Float));
        g.Output(logits, OnnxDataType.Float, "batch", "seq", 4L);
        g.Output(product, OnnxDataType.Float, "batch", "seq", 4L);
        AssertLeftAlone(g, "read elsewhere");
    }

    [Fact]
    public void LogitsNotDeclaredAsBatchBySequenceByVocabularyLeaveTheGraphAlone()
    {
        var g = Head(out _, out var product);
        var logits = g.NamedNode("logits", "Identity", [product]);
        g.Output(logits, OnnxDataType.Float, "rows", 4L);
        AssertLeftAlone(g, "rank 2");
    }

    [Fact]
    public void AMissingLogitsOutputIsReported()
    {
        var g = Head(out _, out var product);
        g.Output(product, OnnxDataType.Float, "batch", "seq", 4L);
        AssertLeftAlone(g, "no output 'logits'");
    }

    [Fact]
    public void AGraphThatAlreadyUsesTheSliceNamesIsLeftAlone()
    {
        var g = Head(out _, out var product);
        var logits = g.NamedNode("logits", "Identity", [product]);
        g.Output(logits, OnnxDataType.Float, "batch", "seq", 4L);
        g.Input(LogitsSlicer.StartInput, OnnxDataType.Int64, 1L);
        AssertLeftAlone(g, LogitsSlicer.StartInput);
    }

    [Fact]
    public void BytesThatAreNotAModelAreRejectedWithAReason()
    {
        Assert.Throws<InvalidDataException>(() => LogitsSlicer.Rewrite([0x0A, 0x7F, 0x01], "logits"));
    }

    private static void AssertLeftAlone(OnnxGraphBuilder g, string because)
    {
        var result = LogitsSlicer.Rewrite(Build(g), "logits");
        Assert.False(result.Applied);
        Assert.Null(result.Model);
        Assert.Contains(because, result.Reason);
    }

    private static (long[] Shape, float[] Values) RunHead(InferenceSession session, float[] hidden, long start)
    {
        using var h = OrtValue.CreateTensorValueFromMemory(hidden, [2, 2, 3]);
        using var s = OrtValue.CreateTensorValueFromMemory(new[] { start }, [1]);
        using var outputs = session.Run(new RunOptions(), ["hidden", LogitsSlicer.StartInput], [h, s], ["logits"]);
        return (outputs[0].GetTensorTypeAndShape().Shape, outputs[0].GetTensorDataAsSpan<float>().ToArray());
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f, $"index {i}: expected {expected[i]}, got {actual[i]}");
    }
}
