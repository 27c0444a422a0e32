namespace BioEval.Harness.Metrics;

/// <summary>One ICD-10-CM chapter's share of a model's predicted codes.</summary>
/// <param name="Chapter">The chapter number ("01" to "22"), or "none" for codes that fall in no chapter's range.</param>
/// <param name="Codes">The chapter's category range, e.g. "I00-I99" ("" for "none").</param>
/// <param name="Title">The chapter's title, shortened.</param>
/// <param name="Predicted">Predicted codes in the chapter, every occurrence counted (as the metrics count them).</param>
/// <param name="InTable">Of those, codes the run's ICD-10-CM table holds.</param>
/// <param name="NotInTable">Of those, codes it does not hold: well-formed but unknown codes, counted in their chapter.</param>
public sealed record IcdChapterCount(string Chapter, string Codes, string Title, int Predicted, int InTable, int NotInTable);

/// <summary>
/// The chapters of ICD-10-CM by category range (the CMS tabular list, FY2024 and later, chapter 22 "codes for special
/// purposes" included), and the per-chapter counts of a model's predicted codes. A code's chapter is decided by its
/// first three characters; a code outside every range (e.g. "P97", "F00") counts in the row "none". A code the table
/// does not hold counts in its chapter's <see cref="IcdChapterCount.NotInTable"/>, so the valid-code ratio's failures
/// show where they fall.
/// </summary>
public static class IcdChapters
{
    private static readonly (string Chapter, string First, string Last, string Title)[] Ranges =
    [
        ("01", "A00", "B99", "Infectious and parasitic diseases"),
        ("02", "C00", "D49", "Neoplasms"),
        ("03", "D50", "D89", "Blood and immune mechanism"),
        ("04", "E00", "E89", "Endocrine, nutritional and metabolic"),
        ("05", "F01", "F99", "Mental and behavioural"),
        ("06", "G00", "G99", "Nervous system"),
        ("07", "H00", "H59", "Eye and adnexa"),
        ("08", "H60", "H95", "Ear and mastoid process"),
        ("09", "I00", "I99", "Circulatory system"),
        ("10", "J00", "J99", "Respiratory system"),
        ("11", "K00", "K95", "Digestive system"),
        ("12", "L00", "L99", "Skin and subcutaneous tissue"),
        ("13", "M00", "M99", "Musculoskeletal and connective tissue"),
        ("14", "N00", "N99", "Genitourinary system"),
        ("15", "O00", "O9A", "Pregnancy, childbirth and the puerperium"),
        ("16", "P00", "P96", "Perinatal conditions"),
        ("17", "Q00", "Q99", "Congenital malformations and chromosomal abnormalities"),
        ("18", "R00", "R99", "Symptoms, signs and abnormal findings"),
        ("19", "S00", "T88", "Injury, poisoning and other external causes' consequences"),
        ("20", "V00", "Y99", "External causes of morbidity"),
        ("21", "Z00", "Z99", "Factors influencing health status"),
        ("22", "U00", "U85", "Codes for special purposes"),
    ];

    /// <summary>The chapter number of a code (dots ignored), or null when its category is in no chapter's range.</summary>
    public static string? Of(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var category = code.Replace(".", "", StringComparison.Ordinal);
        if (category.Length < 3) return null;
        category = category[..3];
        // Ordinal comparison orders digits before letters, as the ranges need ("O99" < "O9A").
        foreach (var (chapter, first, last, _) in Ranges)
            if (string.CompareOrdinal(category, first) >= 0 && string.CompareOrdinal(category, last) <= 0) return chapter;
        return null;
    }

    /// <summary>
    /// Per-chapter counts of the codes predicted in <paramref name="outputs"/> (extracted as the metrics extract them),
    /// every chapter in order, then "none" when some code falls in no chapter.
    /// </summary>
    public static IReadOnlyList<IcdChapterCount> Count(IEnumerable<string> outputs, IcdCodeList table)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(table);
        var counts = new Dictionary<string, (int Predicted, int InTable)>(StringComparer.Ordinal);
        foreach (var code in outputs.SelectMany(IcdCodes.Predictions))
        {
            var chapter = Of(code) ?? "none";
            var (predicted, inTable) = counts.GetValueOrDefault(chapter);
            counts[chapter] = (predicted + 1, inTable + (table.Contains(code) ? 1 : 0));
        }
        IcdChapterCount Row(string chapter, string codes, string title)
        {
            var (predicted, inTable) = counts.GetValueOrDefault(chapter);
            return new IcdChapterCount(chapter, codes, title, predicted, inTable, predicted - inTable);
        }
        return [.. Ranges.Select(r => Row(r.Chapter, $"{r.First}-{r.Last}", r.Title)),
            .. counts.ContainsKey("none") ? [Row("none", "", "Outside every chapter's range")] : Array.Empty<IcdChapterCount>()];
    }
}
