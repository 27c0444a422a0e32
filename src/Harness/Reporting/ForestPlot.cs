using System.Globalization;
using BioEval.Harness.Results;
using ScottPlot;

namespace BioEval.Harness.Reporting;

/// <summary>
/// A forest plot of one task's comparisons: per pair and headline metric, Δ (bio − base, in points) with its bootstrap
/// interval as a bar, coloured by the verdict, and a dashed line at no difference. Drawn with ScottPlot as SVG, so the
/// HTML report holds it inline and needs nothing at view time.
/// </summary>
public static class ForestPlot
{
    /// <summary>Colours by verdict; the report's legend uses the same.</summary>
    public static string Colour(VerdictOutcome outcome) => outcome switch
    {
        VerdictOutcome.Better => "#1a7f37",
        VerdictOutcome.Worse => "#cf222e",
        _ => "#6e7781",
    };

    /// <summary>The SVG element (no XML declaration) for <paramref name="comparisons"/>, top to bottom in their order.</summary>
    public static string Svg(IReadOnlyList<PairComparison> comparisons, int width = 760)
    {
        var plot = new Plot();
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (var i = 0; i < comparisons.Count; i++)
        {
            var c = comparisons[i];
            double y = comparisons.Count - 1 - i;
            var colour = Color.FromHex(Colour(c.Verdict.Outcome));
            var bar = plot.Add.Line(c.Verdict.CiLow * 100, y, c.Verdict.CiHigh * 100, y);
            bar.LineWidth = 3;
            bar.Color = colour;
            var point = plot.Add.Marker(c.Verdict.Delta * 100, y);
            point.Color = colour;
            point.Size = 10;
            ticks.AddMajor(y, $"{c.Base} → {c.Bio} · {c.Metric}");
        }
        var zero = plot.Add.VerticalLine(0);
        zero.LinePattern = LinePattern.Dashed;
        zero.Color = Colors.Gray;
        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.SetLimitsY(-0.7, comparisons.Count - 0.3);
        var low = Math.Min(0, comparisons.Min(c => c.Verdict.CiLow) * 100);
        var high = Math.Max(0, comparisons.Max(c => c.Verdict.CiHigh) * 100);
        var pad = Math.Max(1, (high - low) * 0.08);
        plot.Axes.SetLimitsX(low - pad, high + pad);
        plot.XLabel("Δ, biomedical − base (points), with the bootstrap interval");
        var svg = plot.GetSvgXml(width, 90 + 34 * comparisons.Count);
        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        return string.Create(CultureInfo.InvariantCulture, $"{svg[start..].Trim()}");
    }
}
