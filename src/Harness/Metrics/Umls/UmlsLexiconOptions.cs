namespace BioEval.Harness.Metrics.Umls;

/// <summary>Which MRCONSO rows the UMLS concept F1 uses.</summary>
/// <remarks>
/// Always: English rows (LAT = ENG) that are not suppressed. SUPPRESS O (obsolete), E (marked suppressible by an
/// editor) and Y (suppressible as the source's term type is) are dropped: the UMLS itself flags them as names not to
/// use as current ones. N and an empty value are kept.
/// </remarks>
public sealed record UmlsLexiconOptions
{
    /// <summary>Source vocabularies (SAB) kept; empty keeps all.</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];

    /// <summary>The sources as the cache key and the reader use them: distinct, ordinal order.</summary>
    internal IReadOnlyList<string> CanonicalSources()
    {
        foreach (var s in Sources)
            if (string.IsNullOrWhiteSpace(s) || s.Contains('|', StringComparison.Ordinal) || s.Trim() != s)
                throw new ArgumentException($"'{s}' is not a UMLS source abbreviation (SAB).", nameof(Sources));
        return [.. Sources.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }
}
