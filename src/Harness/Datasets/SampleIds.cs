namespace BioEval.Harness.Datasets;

/// <summary>
/// Keeps sample ids unique without giving up file-derived ids: a record id seen before gets the
/// record's 1-based position appended (<c>id@17</c>). Positions come from the file, so the result is
/// still the same on every run.
/// </summary>
public sealed class SampleIds
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    /// <summary>The id to use for a record with <paramref name="recordId"/> at 1-based <paramref name="position"/>.</summary>
    public string Next(string recordId, int position)
    {
        var id = recordId;
        if (!_seen.Add(id))
        {
            id = $"{recordId}@{position}";
            _seen.Add(id);
        }
        return id;
    }
}
