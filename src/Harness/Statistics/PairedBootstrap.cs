using BioEval.Models.Onnx;

namespace BioEval.Harness.Statistics;

/// <summary>The mean difference of a comparison with its bootstrap interval and p-value.</summary>
/// <param name="Delta">Observed mean of bio − base over all samples.</param>
/// <param name="CiLow">Lower percentile bound of the interval.</param>
/// <param name="CiHigh">Upper percentile bound.</param>
/// <param name="PValue">Two-sided bootstrap p-value: (1 + #{|δ* − δ| ≥ |δ|}) / (resamples + 1), i.e. how often the
/// resampled mean, moved to be centred on 0 (the null), lands at least as far from 0 as the observed one.</param>
public sealed record BootstrapResult(double Delta, double CiLow, double CiHigh, double PValue);

/// <summary>
/// The paired bootstrap of the mean difference (bio − base). Resampling units are clusters when samples are not
/// independent (LongHealth asks several prompts per question: whole questions are drawn, with all their prompts; a
/// sampling run's repeats of one item stay together), else single samples. A resample's mean is the mean over all
/// samples of the drawn clusters. Several comparisons over the same samples (the pairs and metrics of a task) share
/// the draws, which is both what a paired design wants and what makes a paper-sized run fast.
/// </summary>
public static class PairedBootstrap
{
    public const int DefaultResamples = 10_000;

    /// <param name="differences">bio − base per sample, sample-major: sample i's comparisons at i·<paramref name="comparisons"/>.</param>
    /// <param name="comparisons">Columns of <paramref name="differences"/>.</param>
    /// <param name="clusterOf">Cluster key per sample, or null when every sample is its own unit.</param>
    /// <param name="resamples">Bootstrap resamples.</param>
    /// <param name="seed">Seed of the draws.</param>
    /// <param name="confidence">Interval coverage, e.g. 0.95.</param>
    public static IReadOnlyList<BootstrapResult> Run(ReadOnlySpan<double> differences, int comparisons, IReadOnlyList<string>? clusterOf,
        int resamples = DefaultResamples, ulong seed = 1, double confidence = 0.95)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(comparisons, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 1);
        if (!(confidence > 0 && confidence < 1)) throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "Confidence must be in (0, 1).");
        if (differences.Length == 0 || differences.Length % comparisons != 0)
            throw new ArgumentException($"{differences.Length} values are not a whole number of samples of {comparisons} comparisons.", nameof(differences));
        var n = differences.Length / comparisons;
        if (clusterOf is not null && clusterOf.Count != n) throw new ArgumentException($"{clusterOf.Count} cluster keys for {n} samples.", nameof(clusterOf));
        foreach (var d in differences)
            if (!double.IsFinite(d)) throw new ArgumentException("A difference is not a finite number.", nameof(differences));

        // Sums and sizes per cluster, clusters in order of first appearance.
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var sums = new List<double[]>();
        var sizes = new List<int>();
        for (var i = 0; i < n; i++)
        {
            var key = clusterOf?[i] ?? i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!index.TryGetValue(key, out var c))
            {
                index[key] = c = sums.Count;
                sums.Add(new double[comparisons]);
                sizes.Add(0);
            }
            var row = differences.Slice(i * comparisons, comparisons);
            for (var j = 0; j < comparisons; j++) sums[c][j] += row[j];
            sizes[c]++;
        }
        var clusters = sums.Count;
        var observed = new double[comparisons];
        foreach (var s in sums)
            for (var j = 0; j < comparisons; j++) observed[j] += s[j];
        for (var j = 0; j < comparisons; j++) observed[j] /= n;

        var flat = new double[clusters * comparisons];
        for (var c = 0; c < clusters; c++) sums[c].CopyTo(flat, c * comparisons);
        var means = new double[comparisons * resamples]; // column-major: comparison j's resamples together
        var acc = new double[comparisons];
        var rng = new SplitMix64(seed);
        for (var r = 0; r < resamples; r++)
        {
            Array.Clear(acc);
            long size = 0;
            for (var k = 0; k < clusters; k++)
            {
                var c = rng.NextBelow(clusters);
                Vectors.Add(acc, flat.AsSpan(c * comparisons, comparisons));
                size += sizes[c];
            }
            for (var j = 0; j < comparisons; j++) means[j * resamples + r] = acc[j] / size;
        }

        var alpha = 1 - confidence;
        var results = new BootstrapResult[comparisons];
        for (var j = 0; j < comparisons; j++)
        {
            var column = means.AsSpan(j * resamples, resamples);
            var delta = observed[j];
            var far = Math.Abs(delta) * (1 - PairedTests.TieTolerance);
            var hits = 0;
            foreach (var m in column)
                if (Math.Abs(m - delta) >= far) hits++;
            column.Sort();
            results[j] = new BootstrapResult(delta, Quantile(column, alpha / 2), Quantile(column, 1 - alpha / 2), (hits + 1.0) / (resamples + 1.0));
        }
        return results;
    }

    /// <summary>One comparison, unclustered or clustered.</summary>
    public static BootstrapResult Run(IReadOnlyList<double> baseScores, IReadOnlyList<double> bioScores, IReadOnlyList<string>? clusterOf = null,
        int resamples = DefaultResamples, ulong seed = 1, double confidence = 0.95)
    {
        PairedTests.CheckPaired(baseScores, bioScores);
        var d = new double[baseScores.Count];
        for (var i = 0; i < d.Length; i++) d[i] = bioScores[i] - baseScores[i];
        return Run(d, 1, clusterOf, resamples, seed, confidence)[0];
    }

    /// <summary>The q-quantile of sorted values with linear interpolation between order statistics (numpy's default).</summary>
    public static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        var h = (sorted.Length - 1) * q;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
