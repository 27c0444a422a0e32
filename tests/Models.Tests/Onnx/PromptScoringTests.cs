using BioEval.Models.Onnx;
using BioEval.Models.Tests.Tiny;
using BioEval.Models.Tiny;

namespace BioEval.Models.Tests.Onnx;

/// <summary>Prompt log-probabilities equal a brute-force log-softmax of the reference forward pass's full logits.</summary>
public sealed class PromptScoringTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private static readonly OnnxSessionOptions CpuOnly = new() { PreferCuda = false, IntraOpNumThreads = 1, Log = _ => { } };

    // Float32 engine against the float64-accumulating reference: the same tolerance as the logit checks.
    private const double Tolerance = 1e-3;

    [Fact]
    public void EveryTokensLogProbabilityEqualsTheLogSoftmaxOfTheReferenceLogitsBeforeIt()
    {
        // Longer than one chunk, so the KV-cache continuation between chunks is covered.
        var random = new Random(3);
        var tokens = Enumerable.Range(0, PromptScoring.Chunk + 37).Select(_ => random.Next(16, 500)).ToArray();
        var vocab = model.Weights.Config.VocabSize;
        var logits = TinyLlamaReference.Forward(model.Weights, tokens);

        using var session = OnnxDecoderSession.Open(model.Dir, CpuOnly);
        var scores = PromptScoring.Score(session, tokens, top: 3);

        Assert.True(double.IsNaN(scores.TokenLogProbs[0]));
        for (var i = 1; i < tokens.Length; i++)
        {
            var row = logits.AsSpan((i - 1) * vocab, vocab);
            double max = double.NegativeInfinity, sum = 0;
            foreach (var x in row) max = Math.Max(max, x);
            foreach (var x in row) sum += Math.Exp(x - max);
            var expected = row[tokens[i]] - max - Math.Log(sum);
            Assert.True(Math.Abs(expected - scores.TokenLogProbs[i]) < Tolerance, $"position {i}: {scores.TokenLogProbs[i]} vs {expected}");
        }
        // The alternatives are the three most likely tokens, most likely first; the next token is the last row's argmax.
        Assert.Equal(tokens.Length, scores.TopLogProbs.Count);
        Assert.All(scores.TopLogProbs.Skip(1), t => Assert.True(t.Count == 3 && t[0].LogProb >= t[1].LogProb && t[1].LogProb >= t[2].LogProb));
        var last = logits.AsSpan((tokens.Length - 1) * vocab, vocab).ToArray();
        Assert.Equal(Array.IndexOf(last, last.Max()), scores.NextToken.Token);
    }

    [Fact]
    public void AContinuationsSummedLogProbabilityIsTheSameScoredAloneOrAfterItsContext()
    {
        // Chunking must not change a position's value: scoring a prefix gives the same numbers as the whole.
        int[] tokens = [300, 12, 400, 33, 87, 200, 201, 19, 5, 64, 301];
        using var session = OnnxDecoderSession.Open(model.Dir, CpuOnly);
        var whole = PromptScoring.Score(session, tokens);
        var prefix = PromptScoring.Score(session, tokens[..6]);
        for (var i = 1; i < 6; i++) Assert.Equal(whole.TokenLogProbs[i], prefix.TokenLogProbs[i], 4);
    }
}
