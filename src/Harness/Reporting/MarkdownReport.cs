using System.Globalization;
using System.Text;
using BioEval.Harness.Registry;
using BioEval.Harness.Results;
using BioEval.Harness.Runs;

namespace BioEval.Harness.Reporting;

/// <summary>
/// The human-readable report: one table per task, one row per (pair, metric), base and biomedical score side
/// by side with the difference. Scores are shown in percent with two decimals, as the reference publishes them.
/// Invariant culture throughout, so the report is byte-stable across machines.
/// </summary>
public static class MarkdownReport
{
    public static string Render(RunProfile profile, ModelRegistry registry, IReadOnlyList<TaskResult> results,
        IReadOnlyList<PairComparison>? comparisons = null)
    {
        comparisons ??= [];
        var sb = new StringBuilder();
        var d = profile.Decoding;
        sb.AppendLine($"# BioEval report: profile `{profile.Name}`");
        sb.AppendLine();
        sb.AppendLine(Inv($"Tool version {RunStore.ToolVersion}; decoding {(d.IsGreedy ? "greedy" : $"sampling (temperature {d.Temperature}, top-p {d.TopP?.ToString(CultureInfo.InvariantCulture) ?? "1"}, seed {d.Seed}, {d.Repeats} repeat(s))")}; sample limit {profile.Limit?.ToString(CultureInfo.InvariantCulture) ?? "none"}."));
        sb.AppendLine();
        sb.AppendLine("Scores in percent. Δ = biomedical − base; the better side of each row is marked.");
        foreach (var task in results.Select(r => r.Task).Distinct())
        {
            var byModel = results.Where(r => r.Task == task).ToDictionary(r => r.Model);
            var any = byModel.Values.First();
            sb.AppendLine();
            sb.AppendLine(Inv($"## {task}"));
            sb.AppendLine();
            sb.AppendLine(Inv($"Task version {any.TaskVersion}, {any.Samples} samples ({any.Prompts} prompts), dataset `{Path.GetFileName(any.DatasetFile)}` (sha256 {any.DatasetSha256[..12]}), prompt pack sha256 {any.PromptPackSha256[..12]}."));
            var rejections = byModel.Values.Where(r => r.RejectedPrompts > 0).ToList();
            if (rejections.Count > 0) sb.AppendLine();
            foreach (var rejected in rejections)
                sb.AppendLine(Inv($"- {rejected.Model}: {rejected.RejectedPrompts} of {rejected.Prompts} prompts exceeded the model's context and were scored as empty answers."));
            sb.AppendLine();
            sb.AppendLine("| Pair | Metric | Base | Bio | Δ | Better |");
            sb.AppendLine("|---|---|---:|---:|---:|---|");
            foreach (var pair in registry.Pairs)
            {
                if (!byModel.TryGetValue(pair.Base, out var b) || !byModel.TryGetValue(pair.Bio, out var o)) continue;
                foreach (var metric in b.Metrics)
                {
                    if (!o.Scores.TryGetValue(metric.Name, out var bioValue)) continue;
                    var delta = bioValue - metric.Value;
                    // The better side follows the metric's direction, not the sign of Δ.
                    var gain = metric.Improvement(bioValue);
                    var better = Math.Abs(gain) < 1e-12 ? "tie" : gain > 0 ? "bio" : "base";
                    sb.AppendLine(Inv($"| {pair.Base} → {pair.Bio} | {metric.Name} | {metric.Value * 100:F2} | {bioValue * 100:F2} | {delta * 100:+0.00;-0.00;0.00} | {better} |"));
                }
            }
            var judged = comparisons.Where(c => c.Task == task).ToList();
            if (judged.Count == 0) continue;
            var units = judged.Any(c => c.Clusters < c.Samples)
                ? " Prompts of one question (or repeats of one item) are not independent: whole clusters are resampled and sign-flipped."
                : "";
            sb.AppendLine();
            sb.AppendLine(Inv($"Verdicts on the headline metrics (paired per-sample scores; Δ in points, {profile.Statistics.Confidence * 100:0}% bootstrap interval; p adjusted over the run's {comparisons.Count} comparisons, α {profile.Statistics.Alpha}).{units}"));
            sb.AppendLine();
            sb.AppendLine("| Pair | Metric | Δ | CI | Test | p | Adjusted p | Verdict |");
            sb.AppendLine("|---|---|---:|---|---|---:|---:|---|");
            foreach (var c in judged)
            {
                var v = c.Verdict;
                var outcome = v.Outcome switch { VerdictOutcome.Better => "better", VerdictOutcome.Worse => "worse", _ => "no significant difference" };
                sb.AppendLine(Inv($"| {c.Base} → {c.Bio} | {c.Metric} | {v.Delta * 100:+0.00;-0.00;0.00} | {v.CiLow * 100:+0.00;-0.00;0.00} to {v.CiHigh * 100:+0.00;-0.00;0.00} | {v.Test} | {v.PValue:G3} | {v.AdjustedPValue:G3} | {outcome} |"));
            }
        }
        return sb.ToString();
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
