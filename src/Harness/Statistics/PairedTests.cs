using BioEval.Models.Onnx;
using MathNet.Numerics.Distributions;

namespace BioEval.Harness.Statistics;

/// <summary>
/// Exact tests of a paired comparison (bio − base, per sample, in evaluation order). Pure functions; the random ones
/// take their seed, so a rerun gives the same p-value.
/// </summary>
public static class PairedTests
{
    /// <summary>Relative tolerance within which a resampled statistic counts as equal to the observed one.</summary>
    public const double TieTolerance = 1e-12;

    /// <summary>Largest sample size whose 2^n sign assignments are enumerated exactly.</summary>
    public const int ExactSignFlipLimit = 20;

    /// <summary>Mean of bio − base.</summary>
    public static double MeanDifference(IReadOnlyList<double> baseScores, IReadOnlyList<double> bioScores)
    {
        CheckPaired(baseScores, bioScores);
        var sum = 0.0;
        for (var i = 0; i < baseScores.Count; i++) sum += bioScores[i] - baseScores[i];
        return sum / baseScores.Count;
    }

    /// <summary>
    /// McNemar's exact test for 0/1 scores: with b samples right for base only and c for bio only, the two-sided
    /// binomial p-value of min(b, c) successes in b + c trials at probability ½ (1 when there is no discordant pair).
    /// </summary>
    /// <exception cref="ArgumentException">a score is not 0 or 1, or the lists are not paired</exception>
    public static double McNemarExact(IReadOnlyList<double> baseScores, IReadOnlyList<double> bioScores)
    {
        CheckPaired(baseScores, bioScores);
        int b = 0, c = 0;
        for (var i = 0; i < baseScores.Count; i++)
        {
            if (baseScores[i] is not (0 or 1) || bioScores[i] is not (0 or 1))
                throw new ArgumentException($"McNemar's test takes 0/1 scores; sample {i} has base {baseScores[i]}, bio {bioScores[i]}.");
            if (baseScores[i] == 1 && bioScores[i] == 0) b++;
            else if (baseScores[i] == 0 && bioScores[i] == 1) c++;
        }
        var n = b + c;
        return n == 0 ? 1.0 : Math.Min(1.0, 2 * HalfBinomialCdf(n, Math.Min(b, c)));
    }

    /// <summary>
    /// P(X ≤ k) for X ~ Binomial(n, ½). Up to 1,000 trials the probabilities are summed term by term from 2^-n (exact
    /// for small n, where hand-worked and SciPy values are dyadic fractions); beyond, MathNet's incomplete beta.
    /// </summary>
    private static double HalfBinomialCdf(int n, int k)
    {
        if (n > 1000) return Binomial.CDF(0.5, n, k);
        double term = Math.Pow(2, -n), sum = term;
        for (var i = 0; i < k; i++)
        {
            term = term * (n - i) / (i + 1);
            sum += term;
        }
        return sum;
    }

    /// <summary>
    /// The paired sign-flip permutation test of the mean difference: under the null each difference is as likely
    /// negated, so the p-value is the share of sign assignments whose |mean| is at least the observed |mean| (within
    /// <see cref="TieTolerance"/>, the observed assignment included). All 2^n assignments when n ≤
    /// <see cref="ExactSignFlipLimit"/>; otherwise <paramref name="resamples"/> random ones, p = (count + 1) /
    /// (resamples + 1).
    /// </summary>
    public static double SignFlip(IReadOnlyList<double> differences, int resamples, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfZero(differences.Count);
        var n = differences.Count;
        var observed = 0.0;
        for (var i = 0; i < n; i++) observed += differences[i];
        observed = Math.Abs(observed);
        var threshold = observed - TieTolerance * observed;
        if (n <= ExactSignFlipLimit)
        {
            // Each assignment summed afresh in index order, as the observed one is: an incremental (Gray code) sum
            // drifts by more than the tie tolerance over a million flips, and ties are common (scores are rounded).
            long count = 0;
            var total = 1L << n;
            for (long mask = 0; mask < total; mask++)
            {
                var sum = 0.0;
                for (var i = 0; i < n; i++) sum += ((mask >> i) & 1) == 0 ? differences[i] : -differences[i];
                if (Math.Abs(sum) >= threshold) count++;
            }
            return (double)count / total;
        }
        return SignFlip([.. differences], 1, resamples, seed)[0];
    }

    /// <summary>
    /// The Monte Carlo sign-flip test of several comparisons over the same samples at once (the pairs and metrics of a
    /// task), sharing the sign draws: <paramref name="differences"/> is sample-major, sample i's comparisons at
    /// i·<paramref name="comparisons"/>. Samples of <see cref="ExactSignFlipLimit"/> or fewer are enumerated exactly,
    /// comparison by comparison. One comparison gives what <see cref="SignFlip(IReadOnlyList{double}, int, ulong)"/> gives.
    /// </summary>
    public static double[] SignFlip(ReadOnlySpan<double> differences, int comparisons, int resamples, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(comparisons, 1);
        if (differences.Length == 0 || differences.Length % comparisons != 0)
            throw new ArgumentException($"{differences.Length} values are not a whole number of samples of {comparisons} comparisons.", nameof(differences));
        var n = differences.Length / comparisons;
        var p = new double[comparisons];
        if (n <= ExactSignFlipLimit)
        {
            for (var j = 0; j < comparisons; j++)
            {
                var column = new double[n];
                for (var i = 0; i < n; i++) column[i] = differences[i * comparisons + j];
                p[j] = SignFlip(column, resamples, seed);
            }
            return p;
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 1);
        var threshold = new double[comparisons];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < comparisons; j++) threshold[j] += differences[i * comparisons + j];
        for (var j = 0; j < comparisons; j++) threshold[j] = Math.Abs(threshold[j]) * (1 - TieTolerance);
        var hits = new int[comparisons];
        var acc = new double[comparisons];
        var rng = new SplitMix64(seed);
        for (var r = 0; r < resamples; r++)
        {
            Array.Clear(acc);
            ulong bits = 0;
            for (var i = 0; i < n; i++, bits >>= 1)
            {
                if (i % 64 == 0) bits = rng.NextUInt64();
                var row = differences.Slice(i * comparisons, comparisons);
                if ((bits & 1) == 0) Vectors.Add(acc, row);
                else Vectors.Subtract(acc, row);
            }
            for (var j = 0; j < comparisons; j++)
                if (Math.Abs(acc[j]) >= threshold[j]) hits[j]++;
        }
        for (var j = 0; j < comparisons; j++) p[j] = (hits[j] + 1.0) / (resamples + 1.0);
        return p;
    }

    internal static void CheckPaired(IReadOnlyList<double> baseScores, IReadOnlyList<double> bioScores)
    {
        if (baseScores.Count != bioScores.Count)
            throw new ArgumentException($"Paired scores need equal lengths; base has {baseScores.Count}, bio {bioScores.Count}.");
        if (baseScores.Count == 0) throw new ArgumentException("A paired comparison needs at least one sample.");
        for (var i = 0; i < baseScores.Count; i++)
            if (!double.IsFinite(baseScores[i]) || !double.IsFinite(bioScores[i]))
                throw new ArgumentException($"Sample {i} has a score that is not a finite number (base {baseScores[i]}, bio {bioScores[i]}).");
    }
}
