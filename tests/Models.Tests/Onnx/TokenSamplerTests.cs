using BioEval.Models.Onnx;

namespace BioEval.Models.Tests.Onnx;

public sealed class TokenSamplerTests
{
    public static TheoryData<int> Lengths => [1, 2, 7, 15, 16, 17, 31, 64, 100, 511, 512, 513, 32000];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void VectorArgMaxEqualsThePlainLoopOnRandomRowsWithTiesAndZeros(int length)
    {
        var random = new Random(length);
        for (var trial = 0; trial < 200; trial++)
        {
            // Few distinct values, so ties (and +0 / -0 pairs) at the maximum are common.
            var row = new float[length];
            for (var i = 0; i < length; i++)
                row[i] = (random.Next(6)) switch { 0 => 0f, 1 => -0f, 2 => float.NegativeInfinity, _ => random.Next(-3, 4) };
            Assert.Equal(TokenSampler.ArgMaxScalar(row), TokenSampler.ArgMax(row));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(40)]
    [InlineData(99)]
    public void ANaNAnywhereGivesThePlainLoopsAnswer(int nanAt)
    {
        var row = Enumerable.Range(0, 100).Select(i => (float)Math.Sin(i)).ToArray();
        row[nanAt] = float.NaN;
        Assert.Equal(TokenSampler.ArgMaxScalar(row), TokenSampler.ArgMax(row));
    }

    [Fact]
    public void NegativeZeroBeforePositiveZeroAtTheMaximumPicksTheFirst()
    {
        var row = Enumerable.Repeat(-1f, 40).ToArray();
        row[17] = -0f;
        row[33] = 0f;
        Assert.Equal(17, TokenSampler.ArgMax(row));
    }

    [Fact]
    public void GreedyPicksTheFirstLargestLogit()
    {
        Assert.Equal(1, new TokenSampler(4).Next([0f, 3f, 3f, -1f], 0f, 1f, new SplitMix64(1)));
    }

    [Fact]
    public void TopPKeepsOnlyTheSmallestSetReachingTheMass()
    {
        // Probabilities ~ 0.665, 0.245, 0.090 at T=1 for logits 2,1,0: top-p 0.6 keeps only the first.
        var sampler = new TokenSampler(3);
        var rng = new SplitMix64(5);
        for (var i = 0; i < 50; i++) Assert.Equal(0, sampler.Next([2f, 1f, 0f], 1f, 0.6f, rng));
    }

    [Fact]
    public void SamplingFollowsTheSoftmaxProbabilities()
    {
        // ln 3 vs 0: probabilities 0.75 and 0.25.
        var sampler = new TokenSampler(2);
        var rng = new SplitMix64(11);
        var ones = 0;
        for (var i = 0; i < 4000; i++) ones += sampler.Next([MathF.Log(3f), 0f], 1f, 1f, rng);
        Assert.InRange(ones / 4000.0, 0.22, 0.28);
    }

    [Fact]
    public void SplitMix64MatchesItsPublishedFirstOutputs()
    {
        // Reference values of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
        var rng = new SplitMix64(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, rng.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, rng.NextUInt64());
    }
}
