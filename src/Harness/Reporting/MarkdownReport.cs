using System.Globalization;
using System.Text;
using BioEval.Harness.Results;
using BioEval.Harness.Tasks;

namespace BioEval.Harness.Reporting;

/// <summary>
/// The human-readable report: one table per task, one row per (pair, metric), base and biomedical score side
/// by side with the difference, then the verdicts on the headline metrics. Rendered from the results contract only
/// (a run, or a merge of shards), so it says nothing results.json does not hold. Scores are shown in percent with two
/// decimals, as the reference publishes them. Invariant culture throughout, so the report is byte-stable across machines.
/// </summary>
public static class MarkdownReport
{
    public static string Render(ResultsDocument doc, PublishedMultipleChoice? publishedMultipleChoice = null)
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
        Claim(sb, doc, publishedMultipleChoice);
        foreach (var task in doc.Results.Select(r => r.Label).Distinct())
        {
            var byModel = doc.Results.Where(r => r.Label == task).GroupBy(r => r.Model).ToDictionary(g => g.Key, g => g.First());
            var any = byModel.Values.First();
            sb.AppendLine();
            sb.AppendLine(Inv($"## {task}"));
            sb.AppendLine();
            sb.AppendLine(Inv($"Task version {any.TaskVersion}, {any.Samples} samples ({any.Prompts} prompts), dataset `{any.DatasetFile}` (sha256 {any.DatasetSha256[..12]}), prompt pack sha256 {any.PromptPackSha256[..12]}."));
            foreach (var line in ReportText.MetricModels(byModel.Values))
            {
                sb.AppendLine();
                sb.AppendLine(line);
            }
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
            var (chapterModels, chapterRows) = ReportText.ChapterRows(byModel.Values);
            if (chapterRows.Count > 0)
            {
                sb.AppendLine();
                sb.AppendLine(ReportText.ChapterNote);
                sb.AppendLine();
                sb.AppendLine($"| Chapter | Codes | {string.Join(" | ", chapterModels)} |");
                sb.AppendLine($"|---|---|{string.Concat(chapterModels.Select(_ => "---:|"))}");
                foreach (var (chapter, cells) in chapterRows)
                    sb.AppendLine($"| {chapter.Chapter} {chapter.Title} | {chapter.Codes} | {string.Join(" | ", cells)} |");
            }
            var judged = doc.Comparisons.Where(c => c.Label == task).ToList();
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

    /// <summary>The "multiple choice vs clinical generation" section, when a pair was compared on either side.</summary>
    private static void Claim(StringBuilder sb, ResultsDocument doc, PublishedMultipleChoice? published)
    {
        var rows = ClaimSection.Rows(doc);
        var figures = published is null ? [] : ClaimSection.Published(doc, published);
        if (rows.Count == 0 && figures.Count == 0) return;
        sb.AppendLine();
        sb.AppendLine("## Multiple choice vs clinical generation");
        sb.AppendLine();
        sb.AppendLine("Does a pair's verdict on multiple-choice tasks (scored by generation and by option likelihood) carry over to generative clinical work? Δ in points with its interval and verdict, from the comparisons below.");
        foreach (var row in rows)
        {
            sb.AppendLine();
            sb.AppendLine(Inv($"**{row.Pair.Base} → {row.Pair.Bio}:** {row.Reading}."));
            sb.AppendLine();
            sb.AppendLine("| Side | Task | Scoring | Metric | Δ (CI), verdict |");
            sb.AppendLine("|---|---|---|---|---|");
            foreach (var c in row.MultipleChoice)
                sb.AppendLine(Inv($"| multiple choice | {c.Task} | {ScoringModes.Name(c.Scoring)} | {c.Metric} | {ClaimSection.Cell(c)} |"));
            foreach (var c in row.Generation)
                sb.AppendLine(Inv($"| clinical generation | {c.Task} | {ScoringModes.Name(c.Scoring)} | {c.Metric} | {ClaimSection.Cell(c)} |"));
        }
        if (figures.Count == 0) return;
        sb.AppendLine();
        sb.AppendLine(Inv($"Published multiple-choice scores ({published!.Source}), beside BioEval's where it ran the benchmark:"));
        sb.AppendLine();
        sb.AppendLine("| Model | Benchmark | Metric | Published | BioEval | Source |");
        sb.AppendLine("|---|---|---|---:|---|---|");
        foreach (var f in figures)
            sb.AppendLine(Inv($"| {f.Model} | {f.Entry.Benchmark} | {f.Entry.Metric} | {f.Entry.Value:F2} | {(f.Ours.Length > 0 ? f.Ours : "not run")} | {f.Entry.Source ?? ""} |"));
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
