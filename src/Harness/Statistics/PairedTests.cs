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
        return n == 0 ? 1.0 : Math.Min(1.0, 2 * Binomial.CDF(0.5, n, Math.Min(b, c)));
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
        var observed = Math.Abs(differences.Sum());
        var threshold = observed - TieTolerance * observed;
        if (n <= ExactSignFlipLimit)
        {
            // Gray code: each step flips one sign, so the sum changes by ±2·d.
            var sum = differences.Sum();
            var signs = new bool[n];
            long count = Math.Abs(sum) >= threshold ? 1 : 0;
            var total = 1L << n;
            for (long k = 1; k < total; k++)
            {
                var bit = System.Numerics.BitOperations.TrailingZeroCount(k);
                sum += signs[bit] ? 2 * differences[bit] : -2 * differences[bit];
                signs[bit] = !signs[bit];
                if (Math.Abs(sum) >= threshold) count++;
            }
            return (double)count / total;
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 1);
        var rng = new SplitMix64(seed);
        var hits = 0;
        for (var r = 0; r < resamples; r++)
        {
            var s = 0.0;
            for (var i = 0; i < n; i += 64)
            {
                var bits = rng.NextUInt64();
                for (var j = i; j < Math.Min(n, i + 64); j++, bits >>= 1)
                    s += (bits & 1) == 0 ? differences[j] : -differences[j];
            }
            if (Math.Abs(s) >= threshold) hits++;
        }
        return (hits + 1.0) / (resamples + 1.0);
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
