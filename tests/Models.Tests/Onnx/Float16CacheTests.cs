using BioEval.Models.Onnx;
using BioEval.Models.Tiny;
using BioEval.TestSupport;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace BioEval.Models.Tests.Onnx;

public sealed class Float16CacheTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bioeval-tiny16-" + Guid.NewGuid().ToString("N"));

    public Float16CacheTests() => TinyModelBuilder.Write(_dir, 5, float16Cache: true);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void AHalfPrecisionCacheIsDetectedAndDecodesCloseToTheReference()
    {
        using var session = OnnxDecoderSession.Open(_dir, new OnnxSessionOptions { PreferCuda = false, Log = _ => { } });
        Assert.Equal(TensorElementType.Float16, session.CacheElementType);

        int[] tokens = [505, 9, 99, 199, 299, 399, 499];
        var weights = TinyLlamaWeights.Create(new TinyLlamaConfig(), 5);
        var vocab = weights.Config.VocabSize;
        var expected = TinyLlamaReference.Forward(weights, tokens);
        using var state = session.CreateState(1);
        for (var t = 0; t < tokens.Length; t++)
        {
            session.Forward(state, [tokens[t]], Enumerable.Repeat(1L, t + 1).ToArray(), [t], 1);
            var actual = session.CopyAllLogits(state);
            for (var i = 0; i < vocab; i++)
                Assert.True(MathF.Abs(expected[t * vocab + i] - actual[i]) < 0.05f, $"position {t}, token {i}: {expected[t * vocab + i]} vs {actual[i]}");
        }
        Assert.Equal(8, new Generator(session).Generate([tokens], new GenerationOptions { MaxNewTokens = 8, StopTokenIds = [] })[0].TokenIds.Count);
    }

    [Fact]
    public void BatchedRowsThatStopEarlyLeaveAHalfPrecisionCacheIntact()
    {
        using var session = OnnxDecoderSession.Open(_dir, new OnnxSessionOptions { PreferCuda = false, IntraOpNumThreads = 1, Log = _ => { } });
        int[][] prompts = [[505, 9, 99], [505, 199, 299], [505, 399, 499]];
        var generator = new Generator(session);
        var free = generator.Generate(prompts, new GenerationOptions { MaxNewTokens = 10, StopTokenIds = [] });
        var options = new GenerationOptions { MaxNewTokens = 10, StopTokenIds = [free[1].TokenIds[3]] };
        var batched = generator.Generate(prompts, options);
        // Batched and single rows run in other shapes, whose kernels may round differently on other CPUs; half-precision
        // caches round each cached value to ~1e-3 relative, the same way in both. Tokens must agree where the top-2
        // margin exceeds 1e-3.
        for (var i = 0; i < prompts.Length; i++)
        {
            var alone = generator.Generate([prompts[i]], options)[0];
            LogitAgreement.AssertGreedyAgrees(alone.TokenIds, batched[i].TokenIds, LogitAgreement.DecidedSteps(session, prompts[i], alone.TokenIds, 1e-3f), $"prompt {i}");
        }
    }
}
