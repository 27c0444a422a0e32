using BioEval.Harness.Results;
using BioEval.Harness.Runs;

namespace BioEval.Harness.Statistics;

/// <summary>
/// How much a sampling run's score moves between repeats: per metric, the mean of the per-sample scores of each
/// repeat and their sample standard deviation. The comparisons already keep an item's repeats together; this shows
/// the run-to-run noise a single sampled run would have.
/// </summary>
public static class RepeatSpreads
{
    /// <summary>One spread per metric with per-sample scores; empty for a run with one repeat.</summary>
    public static IReadOnlyList<RepeatSpread> Of(IReadOnlyList<MetricValue> metrics, IReadOnlyList<PredictionLine> predictions)
    {
        var repeats = predictions.Select(p => p.Repeat).Distinct().Order().ToList();
        if (repeats.Count < 2) return [];
        var spreads = new List<RepeatSpread>();
        foreach (var metric in metrics)
        {
            var means = new List<double>();
            foreach (var repeat in repeats)
            {
                var values = predictions.Where(p => p.Repeat == repeat && p.Scores.ContainsKey(metric.Name)).Select(p => p.Scores[metric.Name]).ToList();
                if (values.Count == 0) break;
                means.Add(values.Average());
            }
            if (means.Count != repeats.Count) continue;
            var mean = means.Average();
            var sd = Math.Sqrt(means.Sum(m => (m - mean) * (m - mean)) / (means.Count - 1));
            spreads.Add(new RepeatSpread(metric.Name, means, sd));
        }
        return spreads;
    }
}
