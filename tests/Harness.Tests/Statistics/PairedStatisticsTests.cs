using BioEval.Harness.Statistics;

namespace BioEval.Harness.Tests.Statistics;

/// <summary>The paired statistics on hand-worked cases.</summary>
public sealed class PairedStatisticsTests
{
    [Theory]
    // b = base right only, c = bio right only; p = min(1, 2·P(X ≤ min(b, c))), X ~ Bin(b + c, ½).
    [InlineData(new double[] { 1, 1, 1, 0, 0 }, new double[] { 0, 0, 1, 1, 1 }, 1.0)]          // b = c = 2
    [InlineData(new double[] { 0, 0, 0, 0, 0, 1 }, new double[] { 1, 1, 1, 1, 1, 1 }, 0.0625)]  // b = 0, c = 5: 2/32
    [InlineData(new double[] { 1, 0, 0, 0, 0 }, new double[] { 0, 1, 1, 1, 1 }, 0.375)]         // b = 1, c = 4: 2·6/32
    [InlineData(new double[] { 1, 0 }, new double[] { 1, 0 }, 1.0)]                             // no discordant pair
    public void McNemarIsTheExactBinomialTestOfTheDiscordantPairs(double[] baseScores, double[] bioScores, double expected) =>
        Assert.Equal(expected, PairedTests.McNemarExact(baseScores, bioScores), 12);

    [Fact]
    public void McNemarRefusesScoresThatAreNotZeroOrOne() =>
        Assert.Contains("0/1", Assert.Throws<ArgumentException>(() => PairedTests.McNemarExact([0.5], [1])).Message);

    [Theory]
    // ±1 ±2 ±3 gives 6, 4, 2, 0, 0, −2, −4, −6: two of eight reach |6|.
    [InlineData(new double[] { 1, 2, 3 }, 0.25)]
    // Observed mean 0: every assignment is at least as far, p = 1.
    [InlineData(new double[] { 1, -1 }, 1.0)]
    // Within 1e-12 relative counts as a tie: 1 − 1e-13 reaches the observed 1 + 1e-13 (without it, p = 0.5).
    [InlineData(new double[] { 1, 1e-13 }, 1.0)]
    [InlineData(new double[] { 2 }, 1.0)]
    public void SmallSamplesEnumerateEverySignAssignment(double[] differences, double expected) =>
        Assert.Equal(expected, PairedTests.SignFlip(differences, resamples: 1, seed: 0), 12);

    [Fact]
    public void LargeSamplesDrawSignsAndCountTheObservedAssignment()
    {
        // 30 equal positive differences: only the all-plus and all-minus assignments reach the observed |sum|,
        // 2 in 2^30, so nearly every draw misses and p = (hits + 1) / (resamples + 1).
        var p = PairedTests.SignFlip([.. Enumerable.Repeat(1.0, 30)], resamples: 999, seed: 3);
        Assert.Equal(1.0 / 1000, p, 12);
        Assert.Equal(p, PairedTests.SignFlip([.. Enumerable.Repeat(1.0, 30)], resamples: 999, seed: 3));
    }

    [Fact]
    public void HolmAndBenjaminiHochbergAdjustAsWorkedByHand()
    {
        // Holm: 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → running max 0.06. BH: from the largest: 0.04,
        // min(0.04, 0.03·3/2) = 0.04, min(0.04, 0.01·3) = 0.03.
        Assert.Equal([0.03, 0.06, 0.06], MultipleComparisons.Holm([0.01, 0.04, 0.03]), new ToleranceComparer(1e-12));
        Assert.Equal([0.03, 0.04, 0.04], MultipleComparisons.BenjaminiHochberg([0.01, 0.04, 0.03]), new ToleranceComparer(1e-12));
        Assert.Equal([1.0, 1.0], MultipleComparisons.Holm([0.6, 0.7]));
    }

    [Fact]
    public void ConstantDifferencesGiveAPointIntervalAndTheSmallestPossibleP()
    {
        var r = PairedBootstrap.Run(Enumerable.Repeat(0.0, 10).ToList(), Enumerable.Repeat(0.5, 10).ToList(), resamples: 999);
        Assert.Equal(new BootstrapResult(0.5, 0.5, 0.5, 1.0 / 1000), r);
    }

    [Fact]
    public void ClustersAreDrawnWhole()
    {
        // Question a has three prompts all right for bio only, question b one prompt with no difference: the mean of
        // a resample is 1 (a, a), 0.75 (a, b) or 0 (b, b), each pair of clusters a quarter of the time or half, so the
        // 2.5% quantile is 0. Drawn as four independent prompts it is 0.25 (only 1 in 256 draws has mean 0).
        double[] baseScores = [0, 0, 0, 0], bioScores = [1, 1, 1, 0];
        var clustered = PairedBootstrap.Run(baseScores, bioScores, ["a", "a", "a", "b"], resamples: 20_000, seed: 5);
        var independent = PairedBootstrap.Run(baseScores, bioScores, null, resamples: 20_000, seed: 5);
        Assert.Equal(0.75, clustered.Delta);
        Assert.Equal((0.0, 1.0), (clustered.CiLow, clustered.CiHigh));
        Assert.Equal((0.25, 1.0), (independent.CiLow, independent.CiHigh));
    }

    [Fact]
    public void SharedDrawsGiveEachComparisonWhatItWouldGetAlone()
    {
        double[][] columns = [[0.1, -0.2, 0.3, 0.0, 0.5], [1, 0, 0, 1, 1]];
        var together = PairedBootstrap.Run([.. Enumerable.Range(0, 5).SelectMany(i => columns.Select(c => c[i]))], 2, null, 2000, seed: 9);
        for (var j = 0; j < 2; j++)
            Assert.Equal(PairedBootstrap.Run(new double[5], columns[j], null, 2000, seed: 9), together[j]);
    }

    [Theory]
    [InlineData(8)]   // exact enumeration, column by column
    [InlineData(40)]  // Monte Carlo with shared sign draws
    public void SignFlipsOfSeveralComparisonsGiveEachWhatItWouldGetAlone(int n)
    {
        var random = new Random(n);
        double[][] columns = [.. Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, n).Select(_ => Math.Round(random.NextDouble() - 0.45, 3)).ToArray())];
        var together = PairedTests.SignFlip([.. Enumerable.Range(0, n).SelectMany(i => columns.Select(c => c[i]))], 3, 500, seed: 11);
        for (var j = 0; j < 3; j++)
            Assert.Equal(PairedTests.SignFlip(columns[j], 500, seed: 11), together[j]);
        Assert.Contains(together, p => p < 1);
    }

    [Fact]
    public void TheQuantileInterpolatesLinearlyBetweenOrderStatistics()
    {
        double[] sorted = [1, 2, 3, 4];
        Assert.Equal(1.075, PairedBootstrap.Quantile(sorted, 0.025), 12); // h = 3·0.025 = 0.075
        Assert.Equal(4, PairedBootstrap.Quantile(sorted, 1));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }
}
