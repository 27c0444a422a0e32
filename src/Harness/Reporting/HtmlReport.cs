using System.Globalization;
using System.Net;
using System.Text;
using BioEval.Harness.Results;
using BioEval.Harness.Tasks;

namespace BioEval.Harness.Reporting;

/// <summary>
/// report.html: one self-contained page (inline CSS and SVG, no script, nothing fetched at view time) rendered from the
/// results contract: the summary of verdicts, per task the scores, the verdicts and a forest plot of Δ with intervals,
/// BioEval's scores beside the CLUE published ones for models of the paper, and the run's configuration, dataset
/// hashes, backends and timings. Like report.md it holds scores and names only, never dataset text.
/// </summary>
public static class HtmlReport
{
    private const string Style = """
        body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 68rem; padding: 0 1rem; color: #1f2328; }
        h1 { font-size: 1.6rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #d0d7de; padding-bottom: .3rem; }
        table { border-collapse: collapse; margin: .8rem 0; font-size: .9rem; display: block; max-width: 100%; overflow-x: auto; }
        th, td { border: 1px solid #d0d7de; padding: .25rem .6rem; text-align: left; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        .better { color: #1a7f37; font-weight: 600; } .worse { color: #cf222e; font-weight: 600; } .nsd { color: #6e7781; }
        .summary { font-size: 1.1rem; padding: .6rem .9rem; background: #f6f8fa; border-left: 4px solid #0969da; }
        figure.forest svg { max-width: 100%; height: auto; } figure.forest svg text { font-family: system-ui, sans-serif; }
        .incomplete { background: #fff1e5; border: 2px solid #bc4c00; padding: .6rem .8rem; font-weight: 600; }
        .note { color: #57606a; font-size: .85rem; } code { font-size: .85rem; }
        """;

    public static string Render(ResultsDocument doc, PublishedScores? published = null, PublishedMultipleChoice? publishedMultipleChoice = null)
    {
        var sb = new StringBuilder();
        sb.AppendLine("<!DOCTYPE html>");
        sb.AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        sb.AppendLine($"<title>BioEval report: {E(doc.Profile)}</title>");
        sb.AppendLine($"<style>{Style}</style></head><body>");
        sb.AppendLine($"<h1>BioEval report: profile <code>{E(doc.Profile)}</code></h1>");
        if (!doc.Complete) sb.AppendLine($"<p class=\"incomplete\" id=\"incomplete\">{E(ReportText.IncompleteBanner(doc))}</p>");
        sb.AppendLine($"<p class=\"summary\" id=\"summary\">{E(ReportText.Summary(doc.Comparisons))}</p>");
        var s = doc.Config.Statistics;
        sb.AppendLine(Inv($"<p class=\"note\">Scores in percent. Δ = biomedical − base, in points. Verdicts: paired per-sample scores, {s.Confidence * 100:0}% bootstrap interval ({s.Resamples} resamples, seed {s.Seed}), p-values {E(s.Adjustment)}-adjusted over the run's {doc.Comparisons.Count} headline comparisons, α {s.Alpha}. Legend: <span class=\"better\">better</span>, <span class=\"nsd\">no significant difference</span>, <span class=\"worse\">worse</span>.</p>"));

        Claim(sb, doc, publishedMultipleChoice);
        foreach (var label in doc.Results.Select(r => r.Label).Distinct())
            Task(sb, doc, label, published);

        Configuration(sb, doc, published);
        sb.AppendLine("<p class=\"note\">Produced by BioEval. Published scores, where shown, are those of the CLUE project (Dada et al., “Does Biomedical Training Lead to Better Medical Performance?”, GEM workshop at ACL 2025; clue.ikim.nrw, github.com/TIO-IKIM/CLUE), used with attribution.</p>");
        sb.AppendLine("</body></html>");
        return sb.ToString();
    }

    private static void Task(StringBuilder sb, ResultsDocument doc, string label, PublishedScores? published)
    {
        var byModel = doc.Results.Where(r => r.Label == label).GroupBy(r => r.Model).ToDictionary(g => g.Key, g => g.First());
        var any = byModel.Values.First();
        var task = any.Task;
        var mode = ScoringModes.Name(any.Scoring);
        var id = any.Scoring == ScoringMode.Generate ? task : $"{task}-{mode}";
        sb.AppendLine($"<section class=\"task\" id=\"task-{E(id)}\" data-task=\"{E(task)}\" data-scoring=\"{mode}\">");
        sb.AppendLine($"<h2>{E(label)}</h2>");
        sb.AppendLine(Inv($"<p class=\"note\">Task version {any.TaskVersion}; {any.Samples} samples ({any.Prompts} prompts); dataset <code>{E(any.DatasetFile)}</code> (sha256 <code>{any.DatasetSha256[..12]}</code>); prompt pack sha256 <code>{any.PromptPackSha256[..12]}</code>.</p>"));

        foreach (var line in ReportText.MetricModels(byModel.Values)) sb.AppendLine($"<p class=\"note metric-model\">{E(line)}</p>");

        var judged = doc.Comparisons.Where(c => c.Label == label).ToList();
        if (judged.Count > 0)
        {
            sb.AppendLine($"<h3>Verdicts</h3>");
            sb.AppendLine("<table class=\"verdicts\"><thead><tr><th>Pair</th><th>Metric</th><th>Base</th><th>Bio</th><th>Δ</th><th>95% CI</th><th>Test</th><th>p</th><th>Adjusted p</th><th>Verdict</th></tr></thead><tbody>");
            foreach (var c in judged)
            {
                var v = c.Verdict;
                sb.AppendLine(Inv($"<tr><td>{E(c.Base)} → {E(c.Bio)}</td><td>{E(c.Metric)}</td><td class=\"num\">{c.BaseMean * 100:F2}</td><td class=\"num\">{c.BioMean * 100:F2}</td><td class=\"num\">{ReportText.Points(v.Delta)}</td><td class=\"num\">{ReportText.Points(v.CiLow)} to {ReportText.Points(v.CiHigh)}</td><td>{E(v.Test)}</td><td class=\"num\">{v.PValue:G3}</td><td class=\"num\">{v.AdjustedPValue:G3}</td><td class=\"{Css(v.Outcome)}\">{ReportText.Outcome(v.Outcome)}</td></tr>"));
            }
            sb.AppendLine("</tbody></table>");
            var note = ReportText.ClusterNote(judged).Trim();
            if (note.Length > 0) sb.AppendLine($"<p class=\"note\">{E(note)}</p>");
            sb.AppendLine($"<figure class=\"forest\" data-task=\"{E(task)}\" data-scoring=\"{mode}\">{ForestPlot.Svg(judged)}<figcaption class=\"note\">Forest plot: Δ per pair and headline metric with its bootstrap interval; dashed line at no difference.</figcaption></figure>");
        }

        sb.AppendLine("<h3>All scores</h3>");
        sb.AppendLine("<table class=\"scores\"><thead><tr><th>Pair</th><th>Metric</th><th>Base</th><th>Bio</th><th>Δ</th><th>Better</th></tr></thead><tbody>");
        foreach (var row in ReportText.ScoreRows(doc, label))
            sb.AppendLine(Inv($"<tr><td>{E(row.Pair.Base)} → {E(row.Pair.Bio)}</td><td>{E(row.Metric)}</td><td class=\"num\">{row.Base * 100:F2}</td><td class=\"num\">{row.Bio * 100:F2}</td><td class=\"num\">{ReportText.Points(row.Bio - row.Base)}</td><td>{row.Better}</td></tr>"));
        sb.AppendLine("</tbody></table>");

        // The CLUE figures were generated; a likelihood-scored result has no published counterpart.
        if (published is not null && any.Scoring == ScoringMode.Generate)
        {
            var rows = byModel.Values
                .SelectMany(r => r.Scores.Select(m => (r.Model, m, Published: published.Score(task, m.Name, r.Model))))
                .Where(x => x.Published is not null).ToList();
            if (rows.Count > 0)
            {
                sb.AppendLine("<h3>Beside the published CLUE scores</h3>");
                sb.AppendLine("<table class=\"published\"><thead><tr><th>Model</th><th>Published as</th><th>Metric</th><th>BioEval</th><th>CLUE published</th><th>Difference</th></tr></thead><tbody>");
                foreach (var (model, metric, value) in rows)
                    sb.AppendLine(Inv($"<tr><td>{E(model)}</td><td>{E(published.PublishedName(model)!)}</td><td>{E(metric.Name)}</td><td class=\"num\">{metric.Value * 100:F2}</td><td class=\"num\">{value:F2}</td><td class=\"num\">{metric.Value * 100 - value!.Value:+0.00;-0.00;0.00}</td></tr>"));
                sb.AppendLine("</tbody></table>");
            }
        }

        var (chapterModels, chapterRows) = ReportText.ChapterRows(byModel.Values);
        if (chapterRows.Count > 0)
        {
            sb.AppendLine($"<h3>Predicted codes by chapter</h3><p class=\"note\">{E(ReportText.ChapterNote)}</p>");
            sb.AppendLine($"<table class=\"icd-chapters\"><thead><tr><th>Chapter</th><th>Codes</th>{string.Concat(chapterModels.Select(m => $"<th>{E(m)}</th>"))}</tr></thead><tbody>");
            foreach (var (chapter, cells) in chapterRows)
                sb.AppendLine($"<tr><td>{E(chapter.Chapter)} {E(chapter.Title)}</td><td>{E(chapter.Codes)}</td>{string.Concat(cells.Select(c => $"<td class=\"num\">{E(c)}</td>"))}</tr>");
            sb.AppendLine("</tbody></table>");
        }

        var spreads = byModel.Values.Where(r => r.RepeatSpread is { Count: > 0 }).ToList();
        if (spreads.Count > 0)
        {
            sb.AppendLine("<h3>Spread across repeats</h3>");
            sb.AppendLine("<table class=\"spread\"><thead><tr><th>Model</th><th>Metric</th><th>Per repeat</th><th>SD</th><th>Range</th></tr></thead><tbody>");
            foreach (var r in spreads)
                foreach (var x in r.RepeatSpread!)
                    sb.AppendLine(Inv($"<tr><td>{E(r.Model)}</td><td>{E(x.Metric)}</td><td>{string.Join(", ", x.Means.Select(m => (m * 100).ToString("F2", CultureInfo.InvariantCulture)))}</td><td class=\"num\">{x.StandardDeviation * 100:F2}</td><td class=\"num\">{(x.Means.Max() - x.Means.Min()) * 100:F2}</td></tr>"));
            sb.AppendLine("</tbody></table>");
        }

        sb.AppendLine("<h3>Models</h3>");
        sb.AppendLine("<table class=\"models\"><thead><tr><th>Model</th><th>Backend</th><th>Prompts</th><th>Refused for length</th><th>Seconds</th><th>Prompt tokens</th><th>Completion tokens</th><th>Mean latency (s)</th><th>Completion tokens/s</th></tr></thead><tbody>");
        foreach (var r in byModel.Values)
            sb.AppendLine(Inv($"<tr><td>{E(r.Model)}</td><td>{E(r.Backend)}</td><td class=\"num\">{r.Prompts}</td><td class=\"num\">{r.RejectedPrompts}</td><td class=\"num\">{r.Seconds:F1}</td>")
                + (r.Usage is { } u
                    ? Inv($"<td class=\"num\">{u.PromptTokens}</td><td class=\"num\">{u.CompletionTokens}</td><td class=\"num\">{u.MeanLatencySeconds:F3}</td><td class=\"num\">{u.CompletionTokensPerSecond:F1}</td></tr>")
                    : "<td></td><td></td><td></td><td></td></tr>"));
        sb.AppendLine("</tbody></table>");
        sb.AppendLine("</section>");
    }

    /// <summary>The "multiple choice vs clinical generation" section (see <see cref="ClaimSection"/>).</summary>
    private static void Claim(StringBuilder sb, ResultsDocument doc, PublishedMultipleChoice? published)
    {
        var rows = ClaimSection.Rows(doc);
        var figures = published is null ? [] : ClaimSection.Published(doc, published);
        if (rows.Count == 0 && figures.Count == 0) return;
        sb.AppendLine("<section id=\"claim\"><h2>Multiple choice vs clinical generation</h2>");
        sb.AppendLine("<p class=\"note\">Does a pair's verdict on multiple-choice tasks (scored by generation and by option likelihood) carry over to generative clinical work? Δ in points with its interval and verdict.</p>");
        foreach (var row in rows)
        {
            sb.AppendLine($"<p class=\"reading\" data-base=\"{E(row.Pair.Base)}\" data-bio=\"{E(row.Pair.Bio)}\"><strong>{E(row.Pair.Base)} → {E(row.Pair.Bio)}:</strong> {E(row.Reading)}.</p>");
            sb.AppendLine("<table class=\"claim\"><thead><tr><th>Side</th><th>Task</th><th>Scoring</th><th>Metric</th><th>Δ</th><th>CI</th><th>Verdict</th></tr></thead><tbody>");
            foreach (var (side, c) in row.MultipleChoice.Select(c => ("multiple choice", c)).Concat(row.Generation.Select(c => ("clinical generation", c))))
                sb.AppendLine(Inv($"<tr><td>{side}</td><td>{E(c.Task)}</td><td>{ScoringModes.Name(c.Scoring)}</td><td>{E(c.Metric)}</td><td class=\"num\">{ReportText.Points(c.Delta)}</td><td class=\"num\">{ReportText.Points(c.CiLow)} to {ReportText.Points(c.CiHigh)}</td><td class=\"{Css(c.Outcome)}\">{ReportText.Outcome(c.Outcome)}</td></tr>"));
            sb.AppendLine("</tbody></table>");
        }
        if (figures.Count > 0)
        {
            sb.AppendLine($"<h3>Published multiple-choice scores</h3><p class=\"note\">{E(published!.Source)} (<code>{E(published.Path)}</code>, sha256 <code>{published.Sha256[..12]}</code>).</p>");
            sb.AppendLine("<table class=\"published-mc\"><thead><tr><th>Model</th><th>Benchmark</th><th>Metric</th><th>Published</th><th>BioEval</th><th>Source</th></tr></thead><tbody>");
            foreach (var f in figures)
                sb.AppendLine(Inv($"<tr><td>{E(f.Model)}</td><td>{E(f.Entry.Benchmark)}</td><td>{E(f.Entry.Metric)}</td><td class=\"num\">{f.Entry.Value:F2}</td><td>{E(f.Ours.Length > 0 ? f.Ours : "not run")}</td><td>{E(f.Entry.Source ?? "")}</td></tr>"));
            sb.AppendLine("</tbody></table>");
        }
        sb.AppendLine("</section>");
    }

    private static void Configuration(StringBuilder sb, ResultsDocument doc, PublishedScores? published)
    {
        var c = doc.Config;
        var p = c.Protocol;
        sb.AppendLine("<section id=\"configuration\"><h2>Run</h2>");
        sb.AppendLine("<table class=\"config\"><tbody>");
        void Row(string name, string value) => sb.AppendLine($"<tr><th>{E(name)}</th><td>{E(value)}</td></tr>");
        Row("Tool", $"{doc.Tool} {doc.ToolVersion} (results schema {doc.SchemaVersion})");
        Row("Started / finished (UTC)", Inv($"{doc.StartedUtc:u} / {doc.FinishedUtc:u}"));
        Row("Models file", c.ModelsFile);
        Row("Data folder", c.DataDir);
        Row("Sample limit", c.Limit?.ToString(CultureInfo.InvariantCulture) ?? "none");
        Row("Decoding", ReportText.Decoding(c.Decoding));
        Row("Protocol", Inv($"shuffle seed {p.ShuffleSeed}, document seed {p.DocumentSeed}, LongHealth task 1 budget {p.LonghealthTask1Budget}, reserve {p.LonghealthReserve}, NER shots {p.NerFewShot}, strip trailing ';' {p.StripTrailingSemicolon}, reference averaging {p.ReferenceAveraging}"));
        Row("Statistics", Inv($"{c.Statistics.Resamples} resamples, seed {c.Statistics.Seed}, α {c.Statistics.Alpha}, {c.Statistics.Adjustment}, {c.Statistics.Confidence * 100:0}% intervals"));
        if (published is not null) Row("Published scores", $"{published.Path} (sha256 {published.Sha256[..12]}): {published.Source}");
        sb.AppendLine("</tbody></table>");
        sb.AppendLine("<table class=\"datasets\"><thead><tr><th>Task</th><th>Dataset</th><th>Dataset sha256</th><th>Prompt pack sha256</th><th>Seconds (all models)</th></tr></thead><tbody>");
        foreach (var task in doc.Results.GroupBy(r => r.Task))
        {
            var r = task.First();
            sb.AppendLine(Inv($"<tr><td>{E(task.Key)}</td><td><code>{E(r.DatasetFile)}</code></td><td><code>{r.DatasetSha256}</code></td><td><code>{r.PromptPackSha256}</code></td><td class=\"num\">{task.Sum(x => x.Seconds):F1}</td></tr>"));
        }
        sb.AppendLine("</tbody></table></section>");
    }

    private static string Css(VerdictOutcome o) => o switch { VerdictOutcome.Better => "better", VerdictOutcome.Worse => "worse", _ => "nsd" };

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
