using BioEval.Harness.Datasets;

namespace BioEval.Harness.Runs;

/// <summary>
/// The text of restricted datasets (the MIMIC-derived tasks by default, under PhysioNet data use agreements), kept
/// out of everything shareable: reports, results.json, console messages. Nothing BioEval writes there quotes dataset
/// text by design; this is the safety net behind that rule. Every field value, reference and document of at least
/// <see cref="MinimumLength"/> characters counts (shorter values are labels and ids, like "neutral"); any occurrence
/// in a text is replaced by <see cref="Placeholder"/>. Matching looks up each position's next
/// <see cref="MinimumLength"/> characters in a table of the texts' openings, so it is linear in the checked text.
/// </summary>
public sealed class RestrictedText
{
    public const int MinimumLength = 16;
    public const string Placeholder = "[restricted text withheld]";

    private readonly Dictionary<string, List<string>> _byOpening = new(StringComparer.Ordinal);

    /// <summary>No restricted text: <see cref="Redact"/> returns its input.</summary>
    public static readonly RestrictedText None = new([]);

    public RestrictedText(IEnumerable<string> texts)
    {
        foreach (var text in texts.Where(t => t.Length >= MinimumLength).Distinct(StringComparer.Ordinal))
        {
            var opening = text[..MinimumLength];
            if (!_byOpening.TryGetValue(opening, out var list)) _byOpening[opening] = list = [];
            list.Add(text);
        }
        // Longest first, so a text containing another is withheld whole.
        foreach (var list in _byOpening.Values) list.Sort((a, b) => b.Length.CompareTo(a.Length));
    }

    /// <summary>Every field value, reference, reference item and document text of the samples.</summary>
    public static IEnumerable<string> Texts(IEnumerable<Sample> samples) => samples.SelectMany(s =>
        s.Fields.Values.Append(s.Reference)
            .Concat(s.ReferenceItems ?? [])
            .Concat((s.Documents ?? []).Select(d => d.Text)));

    public int Count => _byOpening.Values.Sum(l => l.Count);

    /// <summary>Whether <paramref name="text"/> holds any restricted text.</summary>
    public bool Occurs(string text) => Redact(text) is var redacted && !ReferenceEquals(redacted, text);

    /// <summary><paramref name="text"/> with every restricted text replaced (the same instance when there is none).</summary>
    public string Redact(string text)
    {
        if (_byOpening.Count == 0 || text.Length < MinimumLength) return text;
        var lookup = _byOpening.GetAlternateLookup<ReadOnlySpan<char>>();
        System.Text.StringBuilder? sb = null;
        var copied = 0;
        for (var i = 0; i + MinimumLength <= text.Length;)
        {
            if (lookup.TryGetValue(text.AsSpan(i, MinimumLength), out var candidates)
                && candidates.FirstOrDefault(c => text.AsSpan(i).StartsWith(c, StringComparison.Ordinal)) is { } found)
            {
                sb ??= new System.Text.StringBuilder(text.Length);
                sb.Append(text, copied, i - copied).Append(Placeholder);
                i += found.Length;
                copied = i;
                continue;
            }
            i++;
        }
        return sb is null ? text : sb.Append(text, copied, text.Length - copied).ToString();
    }
}
