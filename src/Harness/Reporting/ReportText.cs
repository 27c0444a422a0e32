using System.Globalization;
using BioEval.Harness.Results;

namespace BioEval.Harness.Reporting;

/// <summary>Wording and number formats the Markdown and HTML reports share, so both say the same thing.</summary>
public static class ReportText
{
    /// <summary>The verdict as reports print it.</summary>
    public static string Outcome(VerdictOutcome outcome) => outcome switch
    {
        VerdictOutcome.Better => "better",
        VerdictOutcome.Worse => "worse",
        _ => "no significant difference",
    };

    /// <summary>A fraction's difference in percent points, signed.</summary>
    public static string Points(double fraction) => (fraction * 100).ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture);

    /// <summary>The warning an incomplete run's reports open with.</summary>
    public static string IncompleteBanner(ResultsDocument doc) =>
        $"Incomplete run ({doc.IncompleteReason ?? "reason unknown"}): only the evaluations that finished are shown, and the comparisons cover only them. "
        + "Rerun with --resume to complete it; the run folder's complete results, if any, were left untouched.";

    /// <summary>"Specialised models: W better, T no significant difference, L worse (of N comparisons)."</summary>
    public static string Summary(IReadOnlyList<PairComparison> comparisons)
    {
        if (comparisons.Count == 0) return "No pair was compared (no task ran both models of a pair).";
        var better = comparisons.Count(c => c.Verdict.Outcome == VerdictOutcome.Better);
        var worse = comparisons.Count(c => c.Verdict.Outcome == VerdictOutcome.Worse);
        return string.Create(CultureInfo.InvariantCulture,
            $"Specialised models: {better} better, {comparisons.Count - better - worse} no significant difference, {worse} worse (of {comparisons.Count} headline comparisons of pairs × tasks × metrics).");
    }

    /// <summary>Says when whole clusters were resampled, for the tasks where prompts are not independent.</summary>
    public static string ClusterNote(IEnumerable<PairComparison> comparisons) =>
        comparisons.Any(c => c.Clusters < c.Samples)
            ? " Prompts of one question (or repeats of one item) are not independent: whole clusters are resampled and sign-flipped."
            : "";

    /// <summary>The decoding settings in words.</summary>
    public static string Decoding(DecodingRecord d) => d.Strategy == "greedy"
        ? "greedy"
        : string.Create(CultureInfo.InvariantCulture, $"sampling (temperature {d.Temperature}, top-p {d.TopP?.ToString(CultureInfo.InvariantCulture) ?? "1"}, seed {d.Seed}, {d.Repeats} repeat(s))");

    /// <summary>
    /// The chapters of a coding task's predicted codes for its models: rows of chapters where any model predicted a code,
    /// each cell "predicted (not in table)"; none when the results carry no chapter counts.
    /// </summary>
    public static (IReadOnlyList<string> Models, IReadOnlyList<(Metrics.IcdChapterCount Chapter, IReadOnlyList<string> Cells)> Rows) ChapterRows(IEnumerable<TaskModelResult> results)
    {
        var withCounts = results.Where(r => r.IcdChapters is not null).ToList();
        if (withCounts.Count == 0) return ([], []);
        var chapters = withCounts.SelectMany(r => r.IcdChapters!).Where(c => c.Predicted > 0).Select(c => c.Chapter).ToHashSet(StringComparer.Ordinal);
        var order = withCounts.SelectMany(r => r.IcdChapters!).Where(c => chapters.Contains(c.Chapter)).DistinctBy(c => c.Chapter)
            .OrderBy(c => c.Chapter == "none" ? "99" : c.Chapter, StringComparer.Ordinal).ToList();
        IReadOnlyList<string> Cells(Metrics.IcdChapterCount c) => [.. withCounts.Select(r =>
            r.IcdChapters!.FirstOrDefault(x => x.Chapter == c.Chapter) is { } x ? string.Create(CultureInfo.InvariantCulture, $"{x.Predicted} ({x.NotInTable})") : "0 (0)")];
        return ([.. withCounts.Select(r => r.Model)], [.. order.Select(c => (c, Cells(c)))]);
    }

    /// <summary>
    /// The models behind a task's model-based metrics, in one sentence per model ("BERTScore: all-MiniLM-L6-v2,
    /// last_hidden_state, model.onnx sha256 …"), so nobody reads one encoder's scores as another's; empty when none.
    /// </summary>
    public static IReadOnlyList<string> MetricModels(IEnumerable<TaskModelResult> results) =>
        [.. results.SelectMany(r => r.MetricModels ?? []).DistinctBy(m => (m.Metric, m.Name, m.Detail, string.Join(",", m.Files.Values))).Select(Describe)];

    private static string Describe(Metrics.MetricModel m)
    {
        var metric = m.Metric == "bertscore" ? "BERTScore" : m.Metric;
        var hash = m.Files.TryGetValue("model.onnx", out var sha) ? $" (model.onnx sha256 {sha[..12]})" : "";
        var caveat = m.Metric == "bertscore" && !m.Name.Contains("scibert", StringComparison.OrdinalIgnoreCase)
            ? "; the study's figures use SciBERT (allenai/scibert_scivocab_uncased, layer 8), so these values are not comparable with them."
            : ".";
        return $"{metric} computed with {m.Name}, {m.Detail}{hash}{caveat}";
    }

    /// <summary>What the chapter table's cells mean.</summary>
    public const string ChapterNote = "Predicted codes per ICD-10-CM chapter, every occurrence counted; in parentheses, those the run's code table does not hold (they fail the valid-code ratio). A code outside every chapter's range is counted under \"none\".";

    /// <summary>One row of a task's score table: a pair, a metric both models have, both values and the better side.</summary>
    public sealed record ScoreRow(PairRecord Pair, string Metric, double Base, double Bio, string Better);

    /// <summary>
    /// The score rows of a task in one mode (its <see cref="TaskModelResult.Label"/>), per pair of the run and metric of the base model; the better side follows the metric's
    /// direction, not the sign of Δ ("tie" within 1e-12).
    /// </summary>
    public static IEnumerable<ScoreRow> ScoreRows(ResultsDocument doc, string label)
    {
        var byModel = doc.Results.Where(r => r.Label == label).GroupBy(r => r.Model).ToDictionary(g => g.Key, g => g.First());
        foreach (var pair in doc.Pairs)
        {
            if (!byModel.TryGetValue(pair.Base, out var b) || !byModel.TryGetValue(pair.Bio, out var o)) continue;
            foreach (var metric in b.Scores)
            {
                if (o.Score(metric.Name) is not { } bio) continue;
                var gain = metric.Improvement(bio.Value);
                yield return new ScoreRow(pair, metric.Name, metric.Value, bio.Value, Math.Abs(gain) < 1e-12 ? "tie" : gain > 0 ? "bio" : "base");
            }
        }
    }
}
