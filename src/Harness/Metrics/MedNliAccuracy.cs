using System.Text;

namespace BioEval.Harness.Metrics;

/// <summary>
/// The reference's MedNLI rule: upper-case both texts, count the non-overlapping occurrences of the gold label in the
/// output, and score 1 iff it occurs exactly once. Only the gold label is counted, so "NEUTRAL or CONTRADICTION"
/// is correct when the gold label is neutral, while repeating the gold label scores 0.
/// </summary>
/// <remarks>
/// The reference calls <c>re.findall(label.upper(), output.upper())</c>. The labels (entailment, neutral,
/// contradiction) hold no regex metacharacters, so the pattern is matched here as a literal. An empty label matches
/// at every position of Python's string, i.e. (number of code points + 1) times, as <c>findall</c> does.
/// </remarks>
public static class MedNliAccuracy
{
    /// <summary>Non-overlapping occurrences of <c>label.upper()</c> in <c>output.upper()</c>, scanning left to right.</summary>
    public static int CountLabel(string output, string label)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(label);
        var text = PythonCase.Upper(output);
        var needle = PythonCase.Upper(label);
        if (needle.Length == 0) return text.EnumerateRunes().Count() + 1;
        var count = 0;
        for (var at = text.IndexOf(needle, StringComparison.Ordinal); at >= 0;
             at = text.IndexOf(needle, at + needle.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    /// <summary>1 iff the gold label occurs exactly once in the output (case-insensitively), else 0.</summary>
    public static double Score(string output, string goldLabel) => CountLabel(output, goldLabel) == 1 ? 1.0 : 0.0;
}

/// <summary>MedNLI accuracy of the raw output against <see cref="Datasets.Sample.Reference"/> (the gold label).</summary>
public sealed class MedNliAccuracyMetric : ISampleMetric
{
    public static readonly MedNliAccuracyMetric Instance = new();

    private static readonly IReadOnlyList<MetricInfo> OutputList = [new MetricInfo("accuracy", Headline: true)];

    public IReadOnlyList<MetricInfo> Outputs => OutputList;

    public IReadOnlyDictionary<string, double> Score(ScoringInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        // The reference searches the whole generated text, not a parsed answer.
        return new Dictionary<string, double> { ["accuracy"] = MedNliAccuracy.Score(input.RawOutput, input.Sample.Reference) };
    }
}

/// <summary>Python's <c>str.upper()</c> where it matters for matching ASCII text.</summary>
/// <remarks>
/// Python applies the unconditional full mappings of Unicode SpecialCasing (e.g. "ß" becomes "SS", the ligature
/// "ﬁ" becomes "FI"), which .NET's per-character casing does not. The table holds every character whose Python
/// upper-case contains an ASCII letter other than ASCII itself (checked by enumerating all code points in
/// CPython 3.11), so counting an ASCII label is exact; other characters use .NET's simple invariant mapping, and a
/// non-ASCII character that .NET (but not Python) would map into ASCII is kept as it is.
/// </remarks>
public static class PythonCase
{
    private static readonly Dictionary<int, string> ToAsciiUpper = new()
    {
        [0x00DF] = "SS",            // sharp s
        [0x0131] = "I",             // dotless i
        [0x0149] = "\u02BCN",       // n preceded by apostrophe
        [0x017F] = "S",             // long s
        [0x01F0] = "J\u030C",       // j with caron
        [0x1E96] = "H\u0331",       // h with line below
        [0x1E97] = "T\u0308",       // t with diaeresis
        [0x1E98] = "W\u030A",       // w with ring above
        [0x1E99] = "Y\u030A",       // y with ring above
        [0x1E9A] = "A\u02BE",       // a with right half ring
        [0xFB00] = "FF",
        [0xFB01] = "FI",
        [0xFB02] = "FL",
        [0xFB03] = "FFI",
        [0xFB04] = "FFL",
        [0xFB05] = "ST",
        [0xFB06] = "ST",
    };

    /// <summary>Upper-cases <paramref name="text"/> as Python's <c>str.upper()</c> does for ASCII-relevant characters.</summary>
    public static string Upper(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 0x80)
            {
                sb.Append(c is >= 'a' and <= 'z' ? (char)(c - ('a' - 'A')) : c);
                continue;
            }
            if (!Rune.TryGetRuneAt(text, i, out var rune))
            {
                sb.Append(c); // a lone surrogate has no case
                continue;
            }
            if (rune.Utf16SequenceLength == 2) i++;
            if (ToAsciiUpper.TryGetValue(rune.Value, out var mapped))
            {
                sb.Append(mapped);
                continue;
            }
            var upper = Rune.ToUpperInvariant(rune);
            sb.Append(upper.IsAscii ? rune.ToString() : upper.ToString());
        }
        return sb.ToString();
    }
}
