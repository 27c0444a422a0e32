using System.Globalization;
using System.Text;
using BioEval.Harness.Results;

namespace BioEval.Harness.Reporting;

/// <summary>
/// The human-readable report: one table per task, one row per (pair, metric), base and biomedical score side
/// by side with the difference, then the verdicts on the headline metrics. Rendered from the results contract only
/// (a run, or a merge of shards), so it says nothing results.json does not hold. Scores are shown in percent with two
/// decimals, as the reference publishes them. Invariant culture throughout, so the report is byte-stable across machines.
/// </summary>
public static class MarkdownReport
{
    public static string Render(ResultsDocument doc)
    {
        var sb = new StringBuilder();
        var d = doc.Config.Decoding;
        var statistics = doc.Config.Statistics;
        sb.AppendLine($"# BioEval report: profile `{doc.Profile}`");
        sb.AppendLine();
        if (!doc.Complete)
        {
            sb.AppendLine($"> **{ReportText.IncompleteBanner(doc)}**");
            sb.AppendLine();
        }
        sb.AppendLine(Inv($"Tool version {doc.ToolVersion}; decoding {ReportText.Decoding(d)}; sample limit {doc.Config.Limit?.ToString(CultureInfo.InvariantCulture) ?? "none"}."));
        sb.AppendLine();
        sb.AppendLine(ReportText.Summary(doc.Comparisons));
        sb.AppendLine();
        sb.AppendLine("Scores in percent. Δ = biomedical − base; the better side of each row is marked.");
        foreach (var task in doc.Results.Select(r => r.Task).Distinct())
        {
            var byModel = doc.Results.Where(r => r.Task == task).GroupBy(r => r.Model).ToDictionary(g => g.Key, g => g.First());
            var any = byModel.Values.First();
            sb.AppendLine();
            sb.AppendLine(Inv($"## {task}"));
            sb.AppendLine();
            sb.AppendLine(Inv($"Task version {any.TaskVersion}, {any.Samples} samples ({any.Prompts} prompts), dataset `{any.DatasetFile}` (sha256 {any.DatasetSha256[..12]}), prompt pack sha256 {any.PromptPackSha256[..12]}."));
            var rejections = byModel.Values.Where(r => r.RejectedPrompts > 0).ToList();
            if (rejections.Count > 0) sb.AppendLine();
            foreach (var rejected in rejections)
                sb.AppendLine(Inv($"- {rejected.Model}: {rejected.RejectedPrompts} of {rejected.Prompts} prompts exceeded the model's context and were scored as empty answers."));
            sb.AppendLine();
            sb.AppendLine("| Pair | Metric | Base | Bio | Δ | Better |");
            sb.AppendLine("|---|---|---:|---:|---:|---|");
            foreach (var row in ReportText.ScoreRows(doc, task))
                sb.AppendLine(Inv($"| {row.Pair.Base} → {row.Pair.Bio} | {row.Metric} | {row.Base * 100:F2} | {row.Bio * 100:F2} | {ReportText.Points(row.Bio - row.Base)} | {row.Better} |"));
            var spreads = byModel.Values.Where(r => r.RepeatSpread is { Count: > 0 }).ToList();
            if (spreads.Count > 0)
            {
                sb.AppendLine();
                sb.AppendLine("Spread across repeats (per-repeat means of the per-sample scores, in percent):");
                sb.AppendLine();
                sb.AppendLine("| Model | Metric | Per repeat | SD | Range |");
                sb.AppendLine("|---|---|---|---:|---:|");
                foreach (var r in spreads)
                    foreach (var s in r.RepeatSpread!)
                        sb.AppendLine(Inv($"| {r.Model} | {s.Metric} | {string.Join(", ", s.Means.Select(m => (m * 100).ToString("F2", CultureInfo.InvariantCulture)))} | {s.StandardDeviation * 100:F2} | {(s.Means.Max() - s.Means.Min()) * 100:F2} |"));
            }
            var judged = doc.Comparisons.Where(c => c.Task == task).ToList();
            if (judged.Count == 0) continue;
            sb.AppendLine();
            sb.AppendLine(Inv($"Verdicts on the headline metrics (paired per-sample scores; Δ in points, {statistics.Confidence * 100:0}% bootstrap interval; p adjusted over the run's {doc.Comparisons.Count} comparisons, α {statistics.Alpha}).{ReportText.ClusterNote(judged)}"));
            sb.AppendLine();
            sb.AppendLine("| Pair | Metric | Δ | CI | Test | p | Adjusted p | Verdict |");
            sb.AppendLine("|---|---|---:|---|---|---:|---:|---|");
            foreach (var c in judged)
            {
                var v = c.Verdict;
                sb.AppendLine(Inv($"| {c.Base} → {c.Bio} | {c.Metric} | {ReportText.Points(v.Delta)} | {ReportText.Points(v.CiLow)} to {ReportText.Points(v.CiHigh)} | {v.Test} | {v.PValue:G3} | {v.AdjustedPValue:G3} | {ReportText.Outcome(v.Outcome)} |"));
            }
        }
        return sb.ToString();
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
