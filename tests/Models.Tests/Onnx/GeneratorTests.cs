using BioEval.Models.Onnx;
using BioEval.Models.Tests.Tiny;
using BioEval.Models.Tiny;
using BioEval.TestSupport;

namespace BioEval.Models.Tests.Onnx;

public sealed class GeneratorTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>, IDisposable
{
    private readonly OnnxDecoderSession _session = OnnxDecoderSession.Open(model.Dir, new OnnxSessionOptions { PreferCuda = false, IntraOpNumThreads = 1, Log = _ => { } });

    private static readonly int[][] Prompts =
    [
        [505, 10, 20, 30],
        [505, 1],
        [505, 200, 201, 202, 203, 204, 205, 206, 207],
        [505, 77, 78],
    ];

    private static readonly GenerationOptions NoStops = new() { MaxNewTokens = 12, StopTokenIds = [] };

    /// <summary>
    /// A batched row is computed in other shapes than the same row alone (left padding moves its values to other SIMD
    /// lanes, a shrinking batch changes the matrix sizes), and the plain C# reference sums in its own order, so their
    /// logits may differ in the last bits on some CPU (about 1e-6 here; <see cref="TinyOnnxGraphTests"/> allows 1e-4
    /// against the reference). Greedy tokens must be equal wherever the top-2 margin exceeds this.
    /// </summary>
    private const float KernelTolerance = 1e-4f;

    public void Dispose() => _session.Dispose();

    /// <summary>Greedy rows of <paramref name="prompts"/> whose every step is decided, so exact comparisons with them hold on any CPU.</summary>
    private IReadOnlyList<GenerationResult> DecidedFreeRuns(IReadOnlyList<int[]> prompts, GenerationOptions options)
    {
        var free = new Generator(_session).Generate(prompts, options);
        for (var i = 0; i < prompts.Count; i++)
            Assert.True(LogitAgreement.DecidedSteps(_session, prompts[i], free[i].TokenIds, KernelTolerance) >= free[i].TokenIds.Count,
                $"prompt {i} has a near-tie (top-2 margin within {KernelTolerance:G2}); pick prompts whose greedy steps are decided.");
        return free;
    }

    [Fact]
    public void GreedyDecodingEqualsArgmaxOfTheReferenceModel()
    {
        var generated = new Generator(_session).Generate([Prompts[0]], NoStops with { MaxNewTokens = 6 })[0].TokenIds;
        var sequence = Prompts[0].ToList();
        var vocab = model.Weights.Config.VocabSize;
        for (var i = 0; i < 6; i++)
        {
            var row = TinyLlamaReference.Forward(model.Weights, sequence).AsSpan((sequence.Count - 1) * vocab, vocab);
            Assert.True(LogitAgreement.TopTwoMargin(row) > KernelTolerance, $"step {i} is a near-tie; the comparison would depend on the CPU.");
            sequence.Add(TokenSampler.ArgMax(row));
        }
        Assert.Equal(sequence.Skip(Prompts[0].Length), generated);
    }

    [Fact]
    public void BatchedGreedyOutputEqualsUnbatchedOutputTokenForToken()
    {
        var generator = new Generator(_session);
        var batched = generator.Generate(Prompts, NoStops);
        for (var i = 0; i < Prompts.Length; i++)
        {
            var alone = generator.Generate([Prompts[i]], NoStops)[0];
            var decided = LogitAgreement.DecidedSteps(_session, Prompts[i], alone.TokenIds, KernelTolerance);
            LogitAgreement.AssertGreedyAgrees(alone.TokenIds, batched[i].TokenIds, decided, $"prompt {i}");
            Assert.Equal(12, alone.TokenIds.Count);
        }
    }

    [Fact]
    public void MaxNewTokensIsHonouredAndReportedAsLength()
    {
        var results = new Generator(_session).Generate(Prompts, NoStops with { MaxNewTokens = 3 });
        Assert.All(results, r =>
        {
            Assert.Equal(3, r.TokenIds.Count);
            Assert.Equal(FinishReason.Length, r.FinishReason);
        });
    }

    [Fact]
    public void ARowStopsAtItsStopTokenWhichIsLeftOutWhileOtherRowsContinue()
    {
        var generator = new Generator(_session);
        var free = DecidedFreeRuns(Prompts, NoStops);
        var stop = free[2].TokenIds[4];
        var cut = free[2].TokenIds.ToList().IndexOf(stop);

        var results = generator.Generate(Prompts, NoStops with { StopTokenIds = [stop] });

        Assert.Equal(FinishReason.Stop, results[2].FinishReason);
        Assert.Equal(free[2].TokenIds.Take(cut), results[2].TokenIds);
        for (var i = 0; i < Prompts.Length; i++)
        {
            var expectedCut = free[i].TokenIds.ToList().IndexOf(stop);
            Assert.Equal(expectedCut < 0 ? free[i].TokenIds : free[i].TokenIds.Take(expectedCut), results[i].TokenIds);
            Assert.Equal(expectedCut < 0 ? FinishReason.Length : FinishReason.Stop, results[i].FinishReason);
        }
    }

    [Fact]
    public void RowsThatStopAtDifferentStepsLeaveTheBatchWithoutChangingTheRowsThatGoOn()
    {
        var generator = new Generator(_session);
        var free = DecidedFreeRuns(Prompts, NoStops);
        // Stop tokens taken from two rows at different depths, so the batch shrinks twice (on the CPU).
        HashSet<int> stops = [free[0].TokenIds[2], free[2].TokenIds[7]];
        var options = NoStops with { StopTokenIds = stops };

        var batched = generator.Generate(Prompts, options);
        Assert.Contains(batched, r => r.FinishReason == FinishReason.Stop);
        Assert.Contains(batched, r => r.TokenIds.Count > 3);
        for (var i = 0; i < Prompts.Length; i++)
        {
            var alone = generator.Generate([Prompts[i]], options)[0];
            Assert.Equal(alone.TokenIds, batched[i].TokenIds);
            Assert.Equal(alone.FinishReason, batched[i].FinishReason);
        }

        // Sampling: a row could differ only where its uniform draw falls within rounding (about 1e-7) of a boundary of
        // the cumulative distribution, which these few dozen draws do not.
        var sampled = NoStops with { StopTokenIds = stops, Temperature = 1f, Seed = 5 };
        var sampledBatch = generator.Generate(Prompts, sampled);
        for (var i = 0; i < Prompts.Length; i++)
            Assert.Equal(generator.Generate([Prompts[i]], sampled)[0].TokenIds, sampledBatch[i].TokenIds);
    }

    [Fact]
    public void SelectedCacheRowsGiveTheSameNextLogitsAsTheFullBatch()
    {
        int[][] prompts = [[505, 1, 2], [505, 3, 4], [505, 5, 6]];
        long[] ids = [.. prompts.SelectMany(p => p.Select(t => (long)t))];
        long[] positions = [0, 1, 2, 0, 1, 2, 0, 1, 2];
        using var full = _session.CreateState(3);
        _session.Forward(full, ids, Enumerable.Repeat(1L, 9).ToArray(), positions, 3);
        using var picked = _session.SelectRows(full, [2, 0]);
        Assert.Equal(2, picked.BatchSize);
        Assert.Equal(3, picked.PastLength);

        _session.Forward(full, [7, 8, 9], Enumerable.Repeat(1L, 12).ToArray(), [3, 3, 3], 1);
        _session.Forward(picked, [9, 7], Enumerable.Repeat(1L, 8).ToArray(), [3, 3], 1);
        var vocab = _session.VocabSize;
        var all = new float[3 * vocab];
        var some = new float[2 * vocab];
        _session.CopyLastLogits(full, all);
        _session.CopyLastLogits(picked, some);
        for (var v = 0; v < vocab; v++)
        {
            Assert.Equal(all[2 * vocab + v], some[v], 1e-4f);
            Assert.Equal(all[v], some[vocab + v], 1e-4f);
        }
    }

    [Fact]
    public void WithoutExplicitStopTokensTheModelsEndOfSequenceIdsStopRows()
    {
        var generator = new Generator(_session);
        var free = generator.Generate([Prompts[1]], NoStops with { MaxNewTokens = 40 })[0].TokenIds;
        // Same prompt, same shapes until the stop: the same kernels compute the same values, so no tolerance is involved.
        var result = generator.Generate([Prompts[1]], new GenerationOptions { MaxNewTokens = 40 })[0];
        var firstEos = free.ToList().FindIndex(t => t == TinyTokenizerSpec.EosId || t == TinyTokenizerSpec.EndId);
        Assert.Equal(firstEos < 0 ? free : free.Take(firstEos), result.TokenIds);
        Assert.DoesNotContain(TinyTokenizerSpec.EosId, result.TokenIds);
    }

    [Fact]
    public void SameSeedGivesTheSameSamplesAndOtherSeedsDiffer()
    {
        var generator = new Generator(_session);
        var options = NoStops with { MaxNewTokens = 16, Temperature = 1.5f, TopP = 0.95f, Seed = 42 };
        var a = generator.Generate(Prompts, options);
        var b = generator.Generate(Prompts, options);
        var c = generator.Generate(Prompts, options with { Seed = 43 });
        for (var i = 0; i < Prompts.Length; i++) Assert.Equal(a[i].TokenIds, b[i].TokenIds);
        Assert.Contains(Enumerable.Range(0, Prompts.Length), i => !a[i].TokenIds.SequenceEqual(c[i].TokenIds));
    }

    [Fact]
    public void ASampledRowDoesNotDependOnItsBatchmates()
    {
        var generator = new Generator(_session);
        var options = NoStops with { Temperature = 1f, Seed = 9 };
        var batched = generator.Generate(Prompts, options);
        var alone = generator.Generate([Prompts[3]], options)[0];
        Assert.Equal(alone.TokenIds, batched[3].TokenIds);
    }

    [Fact]
    public void PromptsOutsideTheVocabularyAreRejectedWithTheirRow()
    {
        var e = Assert.Throws<ArgumentException>(() => new Generator(_session).Generate([[1, 2], [3, 9999]], NoStops));
        Assert.Contains("Prompt 1", e.Message);
    }
}
