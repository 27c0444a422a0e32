using System.Text.RegularExpressions;

namespace BioEval.Harness.Tasks.NER;

/// <summary>
/// Reads a list of mentions from model output. The rule, exactly: split on newlines and ';'; trim whitespace;
/// remove one leading list marker (<c>-</c>, <c>*</c>, <c>•</c>, <c>1.</c>, <c>1)</c>) and trim again; drop empty
/// items and the pack's "none" word; normalise by lower-casing (invariant) and collapsing internal whitespace to
/// one space. Duplicates collapse (the metric compares sets). The parsed answer is the items joined by newlines.
/// </summary>
public sealed partial class MentionListParser(string noneWord) : IOutputParser
{
    private readonly string _none = Normalize(noneWord);

    public string Parse(string rawOutput) => string.Join("\n", Mentions(rawOutput));

    /// <summary>The normalised, distinct mentions of <paramref name="rawOutput"/> in order of appearance.</summary>
    public IReadOnlyList<string> Mentions(string rawOutput) =>
        [.. Separators().Split(rawOutput)
            .Select(item => Normalize(ListMarker().Replace(item.Trim(), "")))
            .Where(item => item.Length > 0 && item != _none)
            .Distinct()];

    /// <summary>Lower-case, whitespace runs collapsed to one space, trimmed.</summary>
    public static string Normalize(string s) => Whitespace().Replace(s, " ").Trim().ToLowerInvariant();

    [GeneratedRegex(@"[\r\n;]")]
    private static partial Regex Separators();

    [GeneratedRegex(@"^(?:[-*•]|[0-9]+[.)])\s*")]
    private static partial Regex ListMarker();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
