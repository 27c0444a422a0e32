using BioEval.Models.Onnx;
using BioEval.Models.Tests.Tiny;
using BioEval.Models.Tokenization;

namespace BioEval.Models.Tests.Onnx;

/// <summary>Continuations scored after a shared, cached context equal the brute-force score of each whole sequence.</summary>
public sealed class ContinuationScoringTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private static readonly OnnxSessionOptions CpuOnly = new() { PreferCuda = false, IntraOpNumThreads = 1, Log = _ => { } };

    // One batched pass over copied cache rows against separate full passes: float32 rounding only.
    private const double Tolerance = 1e-4;

    [Fact]
    public void EachContinuationsSumEqualsTheFullSequenceLogProbabilitiesAfterTheContext()
    {
        int[] context = [300, 12, 400, 33, 87, 200];
        int[][] continuations = [[201], [19, 5, 64], [301, 302, 303, 304, 305, 306, 307], []];
        using var session = OnnxDecoderSession.Open(model.Dir, CpuOnly);

        var scores = ContinuationScoring.Score(session, context, continuations);

        for (var i = 0; i < continuations.Length; i++)
        {
            var expected = continuations[i].Length == 0 ? 0
                : PromptScoring.Score(session, [.. context, .. continuations[i]]).TokenLogProbs.Skip(context.Length).Sum();
            Assert.Equal(continuations[i].Length, scores[i].Tokens);
            Assert.True(Math.Abs(expected - scores[i].LogProb) < Tolerance, $"continuation {i}: {scores[i].LogProb} vs {expected}");
        }
    }

    [Fact]
    public void TrailingWhitespaceOfTheContextMovesToTheContinuationAsInLmEvaluationHarness()
    {
        var tokenizer = HfTokenizer.FromDirectory(model.Dir);
        var (context, continuations) = ContinuationScoring.Encode(tokenizer, "Answer: ", ["yes", "no"]);
        Assert.Equal(tokenizer.Encode("Answer:", addSpecialTokens: false), context);
        var whole = tokenizer.Encode("Answer: yes", addSpecialTokens: false);
        Assert.Equal(whole.Skip(context.Count), continuations[0]);

        var (empty, _) = ContinuationScoring.Encode(tokenizer, "", ["yes"]);
        Assert.Equal([tokenizer.BosTokenId ?? tokenizer.EosTokenIds[0]], empty);
    }
}

public sealed class SingleContinuationScoringTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void ASingleContinuationContinuesInThePrefixsOwnRowAndEqualsTheFullSequence()
    {
        int[] context = [300, 12, 400, 33];
        int[] continuation = [87, 200, 201, 19];
        using var session = OnnxDecoderSession.Open(model.Dir, new OnnxSessionOptions { PreferCuda = false, IntraOpNumThreads = 1, Log = _ => { } });
        var score = Assert.Single(ContinuationScoring.Score(session, context, [continuation]));
        var expected = PromptScoring.Score(session, [.. context, .. continuation]).TokenLogProbs.Skip(context.Length).Sum();
        Assert.Equal(4, score.Tokens);
        Assert.True(Math.Abs(expected - score.LogProb) < 1e-4, $"{score.LogProb} vs {expected}");
    }
}
