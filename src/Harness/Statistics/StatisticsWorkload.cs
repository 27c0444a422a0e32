using System.Diagnostics;
using BioEval.Models.Onnx;

namespace BioEval.Harness.Statistics;

/// <summary>Figures of one timed run of <see cref="StatisticsWorkload"/>.</summary>
public sealed record StatisticsTiming(int Tasks, int Comparisons, int SamplesPerTask, int Resamples, int Threads, double Seconds);

/// <summary>
/// The statistics of a paper-sized run, for <c>bioeval bench stats</c>: 12 pairs × 7 tasks × each task's per-sample
/// metrics (MedNLI 1, MeQSum 3, ProblemSummary 3, LongHealth 3 in questions of 15 prompts, MeDiSumQA 3, MeDiSumCode 7,
/// NER 3), about 1,000 samples a task, on seeded synthetic scores. Per task: the paired bootstrap of every comparison
/// with shared draws, McNemar for 0/1 metrics, the sign-flip test for the others; then Holm and Benjamini–Hochberg
/// over all p-values. Tasks run in parallel.
/// </summary>
public static class StatisticsWorkload
{
    private static readonly (string Task, int Metrics, bool Binary, int ClusterSize)[] Tasks =
    [
        ("MedNLI", 1, true, 1), ("MeQSum", 3, false, 1), ("ProblemSummary", 3, false, 1), ("LongHealth", 3, true, 15),
        ("MeDiSumQA", 3, false, 1), ("MeDiSumCode", 7, false, 1), ("NER", 3, false, 1),
    ];

    public const int Pairs = 12;

    public static StatisticsTiming Run(int samples = 1_000, int resamples = PairedBootstrap.DefaultResamples, int threads = 0)
    {
        threads = threads > 0 ? threads : Environment.ProcessorCount;
        var inputs = Tasks.Select((t, k) => Synthetic(t.Metrics * Pairs, samples, t.Binary, t.ClusterSize, (ulong)k + 1)).ToArray();
        var watch = Stopwatch.StartNew();
        var pValues = new double[Tasks.Length][];
        Parallel.For(0, Tasks.Length, new ParallelOptions { MaxDegreeOfParallelism = threads }, k =>
        {
            var (baseScores, bioScores, differences, clusters) = inputs[k];
            var m = Tasks[k].Metrics * Pairs;
            PairedBootstrap.Run(differences, m, clusters, resamples, seed: 1);
            pValues[k] = Tasks[k].Binary
                ? [.. Enumerable.Range(0, m).Select(j => PairedTests.McNemarExact(baseScores[j], bioScores[j]))]
                : PairedTests.SignFlip(differences, m, resamples, seed: 1);
        });
        var all = pValues.SelectMany(p => p).ToArray();
        MultipleComparisons.Holm(all);
        MultipleComparisons.BenjaminiHochberg(all);
        return new StatisticsTiming(Tasks.Length, all.Length, samples, resamples, threads, watch.Elapsed.TotalSeconds);
    }

    private static (double[][] Base, double[][] Bio, double[] Differences, string[]? Clusters) Synthetic(int m, int n, bool binary, int clusterSize, ulong seed)
    {
        var rng = new SplitMix64(seed);
        double Score(double shift) => binary ? (rng.NextDouble() < 0.5 + shift ? 1 : 0) : Math.Round(Math.Clamp(rng.NextDouble() * 0.6 + shift, 0, 1), 4);
        var baseScores = new double[m][];
        var bioScores = new double[m][];
        var differences = new double[n * m];
        for (var j = 0; j < m; j++)
        {
            baseScores[j] = new double[n];
            bioScores[j] = new double[n];
            for (var i = 0; i < n; i++)
            {
                baseScores[j][i] = Score(0.2);
                bioScores[j][i] = Score(0.18);
                differences[i * m + j] = bioScores[j][i] - baseScores[j][i];
            }
        }
        string[]? clusters = clusterSize == 1 ? null : [.. Enumerable.Range(0, n).Select(i => $"q{i / clusterSize}")];
        return (baseScores, bioScores, differences, clusters);
    }
}
