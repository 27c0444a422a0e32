using System.Text;

namespace BioEval.Harness.Metrics;

/// <summary>Precision, recall and F1 of one comparison.</summary>
public readonly record struct PrecisionRecallF1(double Precision, double Recall, double F1);

/// <summary>All MeDiSumCode values of one example, as the reference computes them.</summary>
/// <param name="Exact">Exact match on code lists.</param>
/// <param name="Approximate">Match on sets of 3-character categories.</param>
/// <param name="ValidRatio">Share of predictions found in the code list; null when no list was given.</param>
public sealed record IcdScores(PrecisionRecallF1 Exact, PrecisionRecallF1 Approximate, double? ValidRatio);

/// <summary>
/// The reference's ICD-10 code scoring (CLUE MeDiSumCode): regex extraction from the raw output, exact P/R/F1 on
/// lists, approximate P/R/F1 on sets of 3-character categories, and the share of valid codes.
/// </summary>
/// <remarks>
/// Extraction reproduces Python's <c>re.findall(r'\b[A-TV-Z][0-9]{2}(?:\.?[0-9A-Z]{1,4})?\b', output)</c> on a
/// <c>str</c>: case-sensitive, U excluded, order and duplicates kept. <c>[0-9]</c> and <c>[A-Z]</c> are ASCII ranges
/// in both Python and .NET, but <c>\b</c> differs: Python's word characters for <c>str</c> are the code points that
/// are <c>isalnum()</c> or "_", which is exactly Unicode categories L* and N* plus "_" (checked over all code points
/// in CPython 3.11), while .NET's <c>\w</c> also holds combining marks and all connector punctuation but not Nl/No,
/// works on UTF-16 units (an astral letter looks like two non-word surrogates), and ECMAScript mode is ASCII-only.
/// So the matcher below is hand-written over code points and walks the same greedy backtracking order as the regex
/// engine: "." then 4..1 code characters, then 4..1 without the dot, then the bare 3-character category, taking the
/// first candidate followed by a non-word character. E.g. "A01.2345Z" yields "A01" and "éA01" yields nothing.
/// </remarks>
public static class IcdCodes
{
    /// <summary>Codes as the regex finds them in <paramref name="output"/>, dots still in place.</summary>
    public static IReadOnlyList<string> Extract(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var found = new List<string>();
        var i = 0;
        while (i < output.Length)
        {
            var end = MatchAt(output, i);
            if (end < 0)
            {
                i++;
                continue;
            }
            found.Add(output[i..end]);
            i = end;
        }
        return found;
    }

    /// <summary>The reference's predictions: extracted codes with every "." removed.</summary>
    public static IReadOnlyList<string> Predictions(string output) =>
        Extract(output).Select(c => c.Replace(".", "", StringComparison.Ordinal)).ToList();

    /// <summary>
    /// The reference's gold list: codes joined with ", " and split on ", " again, so no codes gives [""]
    /// (one empty code, which makes recall 0 instead of a division error).
    /// </summary>
    public static IReadOnlyList<string> GoldList(IReadOnlyList<string> codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        return string.Join(", ", codes).Split(", ");
    }

    /// <summary>
    /// Exact match on lists: P = predictions (duplicates included) found in gold / #predictions, or 0 without
    /// predictions; R = gold entries found in predictions / #gold.
    /// </summary>
    public static PrecisionRecallF1 Exact(IReadOnlyList<string> predictions, IReadOnlyList<string> gold) =>
        Compare(predictions, gold);

    /// <summary>Approximate match: the same formulas on the sets of first-3-character prefixes.</summary>
    public static PrecisionRecallF1 Approximate(IReadOnlyList<string> predictions, IReadOnlyList<string> gold) =>
        Compare(Prefixes(predictions), Prefixes(gold));

    /// <summary>Share of predictions the code list knows, or 0 without predictions.</summary>
    public static double ValidRatio(IReadOnlyList<string> predictions, IcdCodeList codeList)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(codeList);
        return predictions.Count == 0 ? 0.0 : (double)predictions.Count(codeList.Contains) / predictions.Count;
    }

    /// <summary>Scores one raw output against the gold codes, as the reference's compute_metrics does.</summary>
    public static IcdScores Score(string output, IReadOnlyList<string> goldCodes, IcdCodeList? codeList = null)
    {
        var predictions = Predictions(output);
        var gold = GoldList(goldCodes);
        return new IcdScores(Exact(predictions, gold), Approximate(predictions, gold),
            codeList is null ? null : ValidRatio(predictions, codeList));
    }

    private static PrecisionRecallF1 Compare(IReadOnlyCollection<string> predictions, IReadOnlyCollection<string> gold)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(gold);
        var goldSet = gold.ToHashSet(StringComparer.Ordinal);
        var predSet = predictions.ToHashSet(StringComparer.Ordinal);
        var precision = predictions.Count == 0 ? 0.0 : (double)predictions.Count(goldSet.Contains) / predictions.Count;
        // The reference divides by len(gold) unguarded; its gold list is never empty (see GoldList).
        var recall = gold.Count == 0 ? 0.0 : (double)gold.Count(predSet.Contains) / gold.Count;
        var f1 = precision + recall == 0 ? 0.0 : 2 * precision * recall / (precision + recall);
        return new PrecisionRecallF1(precision, recall, f1);
    }

    // Python slicing p[:3] counts code points; codes are ASCII, and the gold list may hold anything, so slice by runes.
    private static HashSet<string> Prefixes(IReadOnlyList<string> codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        return codes.Select(FirstThree).ToHashSet(StringComparer.Ordinal);
    }

    private static string FirstThree(string s)
    {
        var sb = new StringBuilder();
        var taken = 0;
        foreach (var rune in s.EnumerateRunes())
        {
            if (taken++ == 3) break;
            sb.Append(rune.ToString());
        }
        return sb.ToString();
    }

    /// <summary>End of the regex match starting at <paramref name="i"/>, or -1 when none starts there.</summary>
    private static int MatchAt(string s, int i)
    {
        if (i + 3 > s.Length || !IsCodeLetter(s[i]) || !char.IsAsciiDigit(s[i + 1]) || !char.IsAsciiDigit(s[i + 2]))
            return -1;
        if (IsWordBefore(s, i)) return -1; // leading \b: s[i] is a word character, so the one before must not be
        var p = i + 3;
        if (p < s.Length && s[p] == '.')
        {
            var end = LongestTail(s, p + 1);
            if (end >= 0) return end;
        }
        var noDot = LongestTail(s, p);
        if (noDot >= 0) return noDot;
        return IsWordAt(s, p) ? -1 : p;
    }

    // [0-9A-Z]{1,4} followed by \b, trying 4 characters down to 1 as the greedy quantifier backtracks.
    private static int LongestTail(string s, int start)
    {
        var available = 0;
        while (available < 4 && start + available < s.Length && IsTailChar(s[start + available])) available++;
        for (var k = available; k >= 1; k--)
            if (!IsWordAt(s, start + k)) return start + k;
        return -1;
    }

    private static bool IsCodeLetter(char c) => c is >= 'A' and <= 'T' or >= 'V' and <= 'Z';

    private static bool IsTailChar(char c) => c is >= '0' and <= '9' or >= 'A' and <= 'Z';

    private static bool IsWordAt(string s, int index)
    {
        if (index >= s.Length) return false;
        return Rune.TryGetRuneAt(s, index, out var r) && IsPythonWord(r);
    }

    private static bool IsWordBefore(string s, int index)
    {
        if (index == 0) return false;
        var last = index - 1;
        if (char.IsLowSurrogate(s[last]) && last > 0 && char.IsHighSurrogate(s[last - 1])) last--;
        return Rune.TryGetRuneAt(s, last, out var r) && IsPythonWord(r);
    }

    // Python's \w for str: str.isalnum() or "_", i.e. categories Lu Ll Lt Lm Lo Nd Nl No, plus "_".
    private static bool IsPythonWord(Rune r) => r.Value == '_' || Rune.IsLetter(r) || Rune.IsNumber(r);
}

/// <summary>
/// MeDiSumCode scoring of one sample: predictions from <see cref="ScoringInput.RawOutput"/> (the reference parses the
/// whole generated text), gold codes from <see cref="Datasets.Sample.ReferenceItems"/>. Outputs are averaged per
/// sample (macro), as the reference does.
/// </summary>
/// <param name="codeList">Known codes for <c>valid_ratio</c>; without one that output is left out.</param>
public sealed class IcdCodeMetric(IcdCodeList? codeList) : ISampleMetric
{
    private static readonly MetricInfo[] ScoreOutputs =
    [
        new("exact_p"), new("exact_r"), new("exact_f1", Headline: true), new("approx_p"), new("approx_r"), new("approx_f1", Headline: true),
    ];

    private readonly IReadOnlyList<MetricInfo> _outputs =
        codeList is null ? ScoreOutputs : [.. ScoreOutputs, new MetricInfo("valid_ratio")];

    public IReadOnlyList<MetricInfo> Outputs => _outputs;

    public IReadOnlyDictionary<string, double> Score(ScoringInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var gold = input.Sample.ReferenceItems
            ?? throw new InvalidOperationException($"Sample '{input.Sample.Id}' has no ReferenceItems (gold ICD codes).");
        var s = IcdCodes.Score(input.RawOutput, gold, codeList);
        var result = new Dictionary<string, double>
        {
            ["exact_p"] = s.Exact.Precision,
            ["exact_r"] = s.Exact.Recall,
            ["exact_f1"] = s.Exact.F1,
            ["approx_p"] = s.Approximate.Precision,
            ["approx_r"] = s.Approximate.Recall,
            ["approx_f1"] = s.Approximate.F1,
        };
        if (s.ValidRatio is { } valid) result["valid_ratio"] = valid;
        return result;
    }
}
