using System.Globalization;
using BioEval.Harness.Results;
using BioEval.Harness.Tasks;

namespace BioEval.Harness.Reporting;

/// <summary>
/// The reports' test of the study's central claim, that earlier gains of biomedical models rested on multiple-choice
/// evaluations: per pair, the verdicts on the multiple-choice tasks (each scoring mode) next to those on the generative
/// clinical tasks (<see cref="TaskCatalog.MultipleChoice"/>, <see cref="TaskCatalog.ClinicalGeneration"/>), and one
/// line that reads them together.
/// </summary>
public static class ClaimSection
{
    /// <summary>One pair's comparisons on both sides and their reading.</summary>
    public sealed record PairClaim(PairRecord Pair, IReadOnlyList<PairComparison> MultipleChoice, IReadOnlyList<PairComparison> Generation, string Reading);

    /// <summary>The section's rows, one per pair compared on at least one task of either side; empty when there is none.</summary>
    public static IReadOnlyList<PairClaim> Rows(ResultsDocument doc) =>
        [.. doc.Pairs.Select(pair =>
        {
            var of = doc.Comparisons.Where(c => c.Base == pair.Base && c.Bio == pair.Bio).ToList();
            var mc = of.Where(c => TaskCatalog.MultipleChoice.Contains(c.Task)).ToList();
            var gen = of.Where(c => TaskCatalog.ClinicalGeneration.Contains(c.Task)).ToList();
            return new PairClaim(pair, mc, gen, Reading(mc, gen));
        }).Where(p => p.MultipleChoice.Count + p.Generation.Count > 0)];

    /// <summary>
    /// The one-line reading of a pair: each side is "better" (some comparison better, none worse), "worse", "mixed" (both),
    /// or "no significant difference"; "no significant difference anywhere" when both sides say so. A multiple-choice
    /// task whose scoring modes reach different verdicts on a metric is named, since that difference is the claim's point.
    /// </summary>
    public static string Reading(IReadOnlyList<PairComparison> multipleChoice, IReadOnlyList<PairComparison> generation)
    {
        string line;
        if (multipleChoice.Count > 0 && generation.Count > 0 && Side(multipleChoice) is null && Side(generation) is null)
            line = "no significant difference anywhere";
        else if (generation.Count == 0)
            line = $"{Side(multipleChoice) ?? "no significant difference"} on multiple choice; clinical generation not compared";
        else if (multipleChoice.Count == 0)
            line = $"{Side(generation) ?? "no significant difference"} on clinical generation; multiple choice not compared";
        else
            line = $"{Side(multipleChoice) ?? "no significant difference"} on multiple choice, {Side(generation) ?? "no significant difference"} on clinical generation";
        var disagree = multipleChoice.GroupBy(c => (c.Task, c.Metric))
            .Where(g => g.Select(c => c.Scoring).Distinct().Count() > 1 && g.Select(c => c.Outcome).Distinct().Count() > 1)
            .Select(g => g.Key.Task).Distinct().ToList();
        if (disagree.Count > 0) line += $"; generation and likelihood scoring disagree on {string.Join(", ", disagree)}";
        return line;
    }

    /// <summary>"better", "worse", "mixed", or null when no comparison of the side is significant.</summary>
    private static string? Side(IReadOnlyList<PairComparison> comparisons)
    {
        var better = comparisons.Any(c => c.Outcome == VerdictOutcome.Better);
        var worse = comparisons.Any(c => c.Outcome == VerdictOutcome.Worse);
        return (better, worse) switch
        {
            (true, true) => "mixed",
            (true, false) => "better",
            (false, true) => "worse",
            _ => null,
        };
    }

    /// <summary>One published multiple-choice figure beside BioEval's scores on the same task and metric, by mode ("" when BioEval has none).</summary>
    public sealed record PublishedRow(string Model, PublishedMultipleChoice.Entry Entry, string Ours);

    /// <summary>The published figures for the pairs' models, in pair order.</summary>
    public static IReadOnlyList<PublishedRow> Published(ResultsDocument doc, PublishedMultipleChoice published) =>
        [.. doc.Pairs.SelectMany(p => new[] { p.Base, p.Bio }).Distinct().SelectMany(model => published.For(model).Select(e => new PublishedRow(model, e,
            string.Join(", ", doc.Results
                .Where(r => r.Model == model && string.Equals(r.Task, e.Benchmark, StringComparison.OrdinalIgnoreCase) && r.Score(e.Metric) is not null)
                .Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Score(e.Metric)!.Value * 100:F2} ({ScoringModes.Name(r.Scoring)})"))))))];

    /// <summary>A comparison as the section's cells show it: "+3.20 (−1.10 to +7.40), worse".</summary>
    public static string Cell(PairComparison c) =>
        string.Create(CultureInfo.InvariantCulture, $"{ReportText.Points(c.Delta)} ({ReportText.Points(c.CiLow)} to {ReportText.Points(c.CiHigh)}), {ReportText.Outcome(c.Outcome)}");
}
