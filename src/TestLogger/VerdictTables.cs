using System.Globalization;
using System.Text;
using BioEval.Harness.Results;

namespace BioEval.TestLogger;

/// <summary>The text the logger prints for a run's results.json.</summary>
public static class VerdictTables
{
    /// <summary>The line a benchmark case writes to its output to name the run's results file.</summary>
    public const string Marker = "bioeval-results: ";

    /// <summary>The results files named in a test's output.</summary>
    public static IEnumerable<string> ResultFiles(string? text) =>
        (text ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith(Marker, StringComparison.Ordinal)).Select(l => l[Marker.Length..].Trim());

    /// <summary>One table per task, then the reports' paths; a message when the file cannot be read.</summary>
    public static string Render(string resultsFile)
    {
        var sb = new StringBuilder();
        ResultsDocument doc;
        try
        {
            doc = ResultsFile.Read(resultsFile);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return $"bioeval: cannot read {resultsFile}: {e.Message}{Environment.NewLine}";
        }
        sb.AppendLine();
        sb.AppendLine(Inv($"BioEval verdicts (profile {doc.Profile}; {doc.Comparisons.Count} comparisons, {doc.Config.Statistics.Adjustment}-adjusted, α {doc.Config.Statistics.Alpha})"));
        foreach (var task in doc.Comparisons.GroupBy(c => c.Label))
        {
            sb.AppendLine();
            sb.AppendLine(task.Key);
            string[] header = ["Pair", "Metric", "Base", "Bio", "Δ", "95% CI", "p", "Verdict"];
            var rows = task.Select(c => new[]
            {
                $"{c.Base} → {c.Bio}", c.Metric, Inv($"{c.BaseMean * 100:F2}"), Inv($"{c.BioMean * 100:F2}"),
                Inv($"{c.Verdict.Delta * 100:+0.00;-0.00;0.00}"),
                Inv($"{c.Verdict.CiLow * 100:+0.00;-0.00;0.00} to {c.Verdict.CiHigh * 100:+0.00;-0.00;0.00}"),
                Inv($"{c.Verdict.AdjustedPValue:G3}"),
                c.Verdict.Outcome switch { VerdictOutcome.Better => "better", VerdictOutcome.Worse => "WORSE", _ => "no significant difference" },
            }).ToList();
            var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
            sb.AppendLine("  " + string.Join("  ", header.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
            foreach (var r in rows) sb.AppendLine("  " + string.Join("  ", r.Select((v, i) => v.PadRight(widths[i]))).TrimEnd());
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(resultsFile))!;
        sb.AppendLine();
        sb.AppendLine($"results: {Path.GetFullPath(resultsFile)}");
        foreach (var name in new[] { "report.md", "report.html", "predictions.jsonl" })
            if (File.Exists(Path.Combine(folder, name))) sb.AppendLine($"{Path.GetFileNameWithoutExtension(name).Replace("predictions", "per-sample scores")}: {Path.Combine(folder, name)}");
        return sb.ToString();
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
