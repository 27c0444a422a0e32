using BioEval.Harness.Metrics;
using BioEval.Models.Encoders;
using BioEval.TestSupport;

namespace BioEval.Harness.Tests.Metrics;

/// <summary>
/// BERTScore's arithmetic on hand-made embeddings (2-D, worked on paper), the batched entry point's bookkeeping, and,
/// on the embedded encoder, the properties a real model must keep: identical texts score 1, and a pair's score does
/// not depend on the texts scored with it.
/// </summary>
public sealed class BertScoreTests
{
    private const int Digits = 12;

    private static readonly float[] Cls = [1, 0];
    private static readonly float[] Sep = [-1, 0];

    /// <summary>[CLS], the given token vectors, [SEP].</summary>
    private static float[][] Text(params float[][] tokens) => [Cls, .. tokens, Sep];

    [Fact]
    public void HandWorkedTwoDimensionalPairGivesTheExpectedPrecisionRecallAndF1()
    {
        // Candidate tokens (3,4) and (0,2) normalise to (0.6,0.8) and (0,1); the reference token (0,5) to (0,1).
        // Candidate (0.6,0.8): cosines 0.6 ([CLS]), 0.8 (reference token), -0.6 ([SEP]): best 0.8.
        // Candidate (0,1): 0, 1, 0: best 1.   P = (0.8 + 1) / 2 = 0.9.
        // Reference (0,1) against [CLS] (1,0), (0.6,0.8), (0,1), [SEP] (-1,0): best 1.   R = 1.
        // F1 = 2 · 0.9 · 1 / 1.9 = 18/19.
        var s = BertScore.Score(Text([3, 4], [0, 2]), Text([0, 5]));

        Assert.Equal(0.9, s.Precision, Digits);
        Assert.Equal(1.0, s.Recall, Digits);
        Assert.Equal(18.0 / 19, s.F1, Digits);
    }

    [Fact]
    public void ClsAndSepAreNotScoredButCanBeTheBestMatch()
    {
        // The candidate's token points where [CLS] does: its best match is the reference's [CLS] (cosine 1), not the
        // reference's only token (cosine 0). The reference token's best is 0 ([CLS] and [SEP] of the candidate included).
        var s = BertScore.Score(Text([2, 0]), Text([0, 1]));

        Assert.Equal(1.0, s.Precision, Digits);
        Assert.Equal(0.0, s.Recall, Digits);
        Assert.Equal(0.0, s.F1, Digits);
    }

    [Fact]
    public void IdenticalEmbeddingsScoreOne()
    {
        var text = Text([0.3f, -0.2f], [5, 1], [-1, -4]);

        var s = BertScore.Score(text, text);

        Assert.Equal(new BertScoreValue(1, 1, 1), s with { Precision = Math.Round(s.Precision, Digits), Recall = Math.Round(s.Recall, Digits), F1 = Math.Round(s.F1, Digits) });
    }

    [Fact]
    public void AnEmptySideScoresZero()
    {
        var text = Text([1, 1]);

        Assert.Equal(default, BertScore.Score(Text(), text));
        Assert.Equal(default, BertScore.Score(text, Text()));
        Assert.Equal(default, BertScore.Score(Text(), Text()));
    }

    [Fact]
    public void F1IsZeroWhenPrecisionAndRecallAreZero()
    {
        // Every cosine is 0: (1,0)-like candidate tokens against (0,1)-like reference tokens, specials included.
        float[][] candidate = [[1, 0], [2, 0], [3, 0]];
        float[][] reference = [[0, 1], [0, 2], [0, 3]];

        var s = BertScore.Score(candidate, reference);

        Assert.Equal(new BertScoreValue(0, 0, 0), s);
        Assert.False(double.IsNaN(s.F1));
    }

    [Fact]
    public void AZeroVectorMatchesNothingInsteadOfGivingNaN()
    {
        var s = BertScore.Score(Text([0, 0], [0, 1]), Text([0, 1]));

        Assert.Equal(0.5, s.Precision, Digits); // the zero vector's best cosine is 0, the other's 1
        Assert.Equal(1.0, s.Recall, Digits);
    }

    [Fact]
    public void MalformedEmbeddingsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => BertScore.Score([[1, 0]], Text([1, 1])));
        Assert.Throws<ArgumentException>(() => BertScore.Score(Text([1, 1]), [[1, 0, 0], [0, 1, 0], [0, 0, 1]]));
    }

    /// <summary>An encoder of fixed 2-D embeddings by text, counting what it is asked.</summary>
    private sealed class FixedEncoder(IReadOnlyDictionary<string, float[][]> embeddings) : ITokenEncoder
    {
        public List<IReadOnlyList<string>> Calls { get; } = [];

        public Task<IReadOnlyList<float[][]>> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
        {
            Calls.Add(texts);
            return Task.FromResult<IReadOnlyList<float[][]>>([.. texts.Select(t => embeddings[t])]);
        }
    }

    [Fact]
    public async Task TheBatchedEntryPointScoresEachPairInOrderAndAsksForEachDistinctTextOnce()
    {
        var encoder = new FixedEncoder(new Dictionary<string, float[][]>
        {
            ["a"] = Text([3, 4], [0, 2]), ["b"] = Text([0, 5]), ["empty"] = Text(),
        });

        var scores = await BertScore.ScoreAsync([("a", "b"), ("b", "a"), ("a", "b"), ("empty", "a")], encoder, TestContext.Current.CancellationToken);

        Assert.Equal([BertScore.Score(Text([3, 4], [0, 2]), Text([0, 5])), BertScore.Score(Text([0, 5]), Text([3, 4], [0, 2]))], scores.Take(2));
        Assert.Equal(scores[0], scores[2]);
        Assert.Equal(default, scores[3]);
        Assert.Equal(["a", "b", "empty"], Assert.Single(encoder.Calls));
    }

    [Fact]
    public async Task ManyPairsGoToTheEncoderInBoundedCalls()
    {
        var texts = Enumerable.Range(0, BertScore.PairsPerCall + 1).ToDictionary(i => $"t{i}", i => Text([i + 1, 1]));
        var encoder = new FixedEncoder(texts);
        var pairs = Enumerable.Range(0, BertScore.PairsPerCall + 1).Select(i => ($"t{i}", "t0")).ToList();

        var scores = await BertScore.ScoreAsync(pairs, encoder, TestContext.Current.CancellationToken);

        Assert.Equal(pairs.Count, scores.Count);
        Assert.Equal([BertScore.PairsPerCall, 2], encoder.Calls.Select(c => c.Count));
        Assert.Equal(BertScore.Score(Text([BertScore.PairsPerCall + 1, 1]), Text([1, 1])), scores[^1]);
    }

    [Fact]
    public async Task OnTheEmbeddedEncoderIdenticalTextsScoreOneAndAnEmptySideZero()
    {
        using var encoder = MiniLm.Open();

        var scores = await BertScore.ScoreAsync(
            [("Patient denies chest pain.", "Patient denies chest pain."), ("", "Patient denies chest pain."), ("Fever.", "   ")],
            encoder, TestContext.Current.CancellationToken);

        Assert.Equal(1.0, scores[0].F1, 6);
        Assert.Equal(1.0, scores[0].Precision, 6);
        Assert.Equal(default, scores[1]);
        Assert.Equal(default, scores[2]);
    }

    [Fact]
    public async Task APairScoresTheSameAloneAndInABatchWithLongTexts()
    {
        (string, string) pair = ("Shortness of breath on exertion.", "Dyspnea when walking, relieved by rest.");
        var longText = string.Join(' ', Enumerable.Range(0, 700).Select(i => $"word{i % 13}"));
        using var alone = MiniLm.Open();
        using var batched = MiniLm.Open();

        var single = (await BertScore.ScoreAsync([pair], alone, TestContext.Current.CancellationToken))[0];
        var mixed = (await BertScore.ScoreAsync([(longText, "Short."), pair, ("Fever.", longText)], batched, TestContext.Current.CancellationToken))[1];

        Assert.Equal(single.Precision, mixed.Precision, 1e-5);
        Assert.Equal(single.Recall, mixed.Recall, 1e-5);
        Assert.Equal(single.F1, mixed.F1, 1e-5);
    }
}
