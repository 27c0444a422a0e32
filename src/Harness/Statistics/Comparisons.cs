using System.Globalization;
using BioEval.Harness.Metrics;
using BioEval.Harness.Registry;
using BioEval.Harness.Results;
using BioEval.Harness.Runs;

namespace BioEval.Harness.Statistics;

/// <summary>
/// Judges every base → biomedical pair on every headline metric of every task of a run, from the per-sample scores
/// in evaluation order:
/// <list type="bullet">
/// <item>Samples are paired by evaluation item and repeat; a sample counts where both models have the metric
/// (LongHealth's task accuracies each cover their own prompts).</item>
/// <item>Clusters: samples of one dataset sample (LongHealth's prompts of a question, a sampling run's repeats of an
/// item) are not independent, so they are resampled and sign-flipped together.</item>
/// <item>Test: McNemar's exact test for 0/1 scores of independent samples; otherwise the sign-flip permutation test,
/// over clusters when there are clusters. Interval: the (clustered) paired bootstrap.</item>
/// <item>All headline comparisons of the run are adjusted together (Holm by default), and the verdict is taken at
/// alpha on the adjusted p-value, in the metric's direction.</item>
/// </list>
/// The comparisons of one task and metric share their resampling draws.
/// </summary>
public static class Comparisons
{
    /// <summary>The comparisons of a run's results.</summary>
    public static IReadOnlyList<PairComparison> Compute(IReadOnlyList<TaskResult> results, IReadOnlyList<ModelPair> pairs, StatisticsOptions options) =>
        Compute([.. results.Select(r => new ScoredResult(r.Task, r.Model, r.Metrics, r.Predictions, r.Scoring))], pairs, options);

    /// <summary>The comparisons of scored results from any source (a run, or the shards of a merge).</summary>
    public static IReadOnlyList<PairComparison> Compute(IReadOnlyList<ScoredResult> results, IReadOnlyList<ModelPair> pairs, StatisticsOptions options)
    {
        options.Validate();
        var pending = new List<(string Task, Tasks.ScoringMode Scoring, ModelPair Pair, MetricValue Metric, int Samples, int Clusters, double BaseMean, double BioMean, BootstrapResult Interval, double P, string Test)>();
        // A multiple-choice task scored both ways is two families of results: each mode is compared on its own.
        foreach (var (task, scoring) in results.Select(r => (r.Task, r.Scoring)).Distinct())
        {
            var byModel = results.Where(r => r.Task == task && r.Scoring == scoring).GroupBy(r => r.Model).ToDictionary(g => g.Key, g => g.First());
            var present = pairs.Where(p => byModel.ContainsKey(p.Base) && byModel.ContainsKey(p.Bio)).ToList();
            if (present.Count == 0) continue;
            var metrics = byModel[present[0].Base].Metrics.Where(m => m.Headline).ToList();
            foreach (var metric in metrics)
            {
                // Rows every model of the task's pairs scored on this metric, in the first base model's order.
                var models = present.SelectMany(p => new[] { p.Base, p.Bio }).Distinct().ToList();
                var values = models.ToDictionary(m => m, m => Values(byModel[m], metric.Name));
                var rows = byModel[present[0].Base].Predictions
                    .Select(p => (p.Id, p.Repeat, p.SampleId))
                    .Where(k => models.All(m => values[m].ContainsKey((k.Id, k.Repeat))))
                    .ToList();
                if (rows.Count == 0) continue;
                var n = rows.Count;
                var m = present.Count;
                var differences = new double[n * m];
                var binary = true;
                for (var i = 0; i < n; i++)
                    for (var j = 0; j < m; j++)
                    {
                        var (b, o) = (values[present[j].Base][(rows[i].Id, rows[i].Repeat)], values[present[j].Bio][(rows[i].Id, rows[i].Repeat)]);
                        differences[i * m + j] = o - b;
                        binary &= b is 0 or 1 && o is 0 or 1;
                    }
                var clusterOf = rows.Select(r => r.SampleId).ToList();
                var clusterCount = clusterOf.Distinct(StringComparer.Ordinal).Count();
                var clustered = clusterCount < n;
                var intervals = PairedBootstrap.Run(differences, m, clustered ? clusterOf : null, options.Resamples, options.Seed, options.Confidence);
                double[] p;
                string test;
                if (!clustered && binary)
                {
                    test = "mcnemar";
                    p = [.. present.Select(pair => PairedTests.McNemarExact(
                        [.. rows.Select(r => values[pair.Base][(r.Id, r.Repeat)])], [.. rows.Select(r => values[pair.Bio][(r.Id, r.Repeat)])]))];
                }
                else if (!clustered)
                {
                    test = "sign_flip";
                    p = PairedTests.SignFlip(differences, m, options.Resamples, options.Seed);
                }
                else
                {
                    test = "cluster_sign_flip";
                    p = PairedTests.SignFlip(ClusterSums(differences, m, clusterOf), m, options.Resamples, options.Seed);
                }
                for (var j = 0; j < m; j++)
                {
                    var baseMean = rows.Average(r => values[present[j].Base][(r.Id, r.Repeat)]);
                    var bioMean = rows.Average(r => values[present[j].Bio][(r.Id, r.Repeat)]);
                    pending.Add((task, scoring, present[j], metric, n, clusterCount, baseMean, bioMean, intervals[j], p[j], test));
                }
            }
        }

        var adjusted = MultipleComparisons.Adjust([.. pending.Select(c => c.P)], options.Adjustment);
        var adjustment = options.Adjustment == Adjustment.Holm ? "holm" : "bh";
        return [.. pending.Select((c, k) =>
        {
            var gain = c.Metric.Direction == MetricDirection.HigherIsBetter ? c.Interval.Delta : -c.Interval.Delta;
            var outcome = adjusted[k] < options.Alpha && gain != 0
                ? gain > 0 ? VerdictOutcome.Better : VerdictOutcome.Worse
                : VerdictOutcome.NoSignificantDifference;
            var reason = string.Create(CultureInfo.InvariantCulture,
                $"{Describe(outcome)}: Δ {c.Interval.Delta:+0.0000;-0.0000;0.0000} ({options.Confidence * 100:0}% CI {c.Interval.CiLow:+0.0000;-0.0000;0.0000} to {c.Interval.CiHigh:+0.0000;-0.0000;0.0000}), {c.Test} p = {c.P:G3}, {adjustment}-adjusted {adjusted[k]:G3} {(adjusted[k] < options.Alpha ? "<" : "≥")} α {options.Alpha:G3}; {c.Samples} samples in {c.Clusters} independent units");
            return PairComparison.Of(c.Task, c.Pair.Base, c.Pair.Bio, c.Metric.Name, c.Metric.Direction, c.Samples, c.Clusters, c.BaseMean, c.BioMean,
                new Verdict(outcome, c.Interval.Delta, c.Interval.CiLow, c.Interval.CiHigh, c.P, adjusted[k], c.Test, adjustment, options.Alpha, reason), c.Scoring);
        })];
    }

    private static string Describe(VerdictOutcome o) => o switch
    {
        VerdictOutcome.Better => "biomedical model better",
        VerdictOutcome.Worse => "biomedical model worse",
        _ => "no significant difference",
    };

    private static Dictionary<(string Id, int Repeat), double> Values(ScoredResult result, string metric)
    {
        var values = new Dictionary<(string, int), double>();
        foreach (var p in result.Predictions)
            if (p.Scores.TryGetValue(metric, out var v)) values[(p.Id, p.Repeat)] = v;
        return values;
    }

    private static double[] ClusterSums(double[] differences, int comparisons, IReadOnlyList<string> clusterOf)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var sums = new List<double[]>();
        for (var i = 0; i < clusterOf.Count; i++)
        {
            if (!index.TryGetValue(clusterOf[i], out var c))
            {
                index[clusterOf[i]] = c = sums.Count;
                sums.Add(new double[comparisons]);
            }
            for (var j = 0; j < comparisons; j++) sums[c][j] += differences[i * comparisons + j];
        }
        return [.. sums.SelectMany(s => s)];
    }
}

/// <summary>What the comparisons read of a task × model result: its metrics (headline flags, directions) and per-sample scores.</summary>
public sealed record ScoredResult(string Task, string Model, IReadOnlyList<MetricValue> Metrics, IReadOnlyList<PredictionLine> Predictions,
    Tasks.ScoringMode Scoring = Tasks.ScoringMode.Generate);
