using System.Globalization;
using BioEval.Harness.Datasets;
using CsvHelper;

namespace BioEval.Harness.Tasks.ProblemSummary;

/// <summary>
/// Reads the BioNLP 2023 task 1A problem-list file (<c>BioNLP2023-1A-Test.csv</c>): an RFC 4180 CSV with a header
/// (<c>File ID</c>, <c>Subjectives</c>, <c>Objectives</c>, <c>Assessment</c>, <c>Summary</c>) whose fields span lines.
/// Ids are the <c>File ID</c>. Every column becomes a field under its header name.
/// </summary>
/// <remarks>
/// The target is transformed exactly as the reference does before its shuffle: every ';' becomes ", ".
/// The reference also means to drop a trailing ';' first, but its slice is never assigned back, so a trailing
/// ';' survives as a trailing ", ". That is reproduced by default. With <c>stripTrailingSemicolon</c> one
/// trailing ';' is removed first, as intended. The transformed text is both the <see cref="Sample.Reference"/>
/// and <c>Fields["Summary"]</c>, so few-shot answers show the same text the metric scores against.
/// An empty Summary is kept empty (the reference would crash on it).
/// </remarks>
public sealed class ProblemSummaryLoader(bool stripTrailingSemicolon = false) : IDatasetLoader
{
    /// <summary>The reference's behaviour (no trailing-';' strip).</summary>
    public static readonly ProblemSummaryLoader Instance = new();

    /// <summary>The columns the task needs.</summary>
    public static readonly IReadOnlyList<string> RequiredColumns = ["File ID", "Subjectives", "Objectives", "Assessment", "Summary"];

    /// <summary>Whether a trailing ';' is stripped before the ';' → ", " replacement.</summary>
    public bool StripTrailingSemicolon { get; } = stripTrailingSemicolon;

    /// <summary>The reference's target transform (see the class remarks).</summary>
    public static string TransformSummary(string summary, bool stripTrailingSemicolon = false)
    {
        if (stripTrailingSemicolon && summary.EndsWith(';')) summary = summary[..^1];
        return summary.Replace(";", ", ", StringComparison.Ordinal);
    }

    public IReadOnlyList<Sample> Load(string path)
    {
        var text = DatasetText.ReadText(path);
        // The separator is fixed: detection could pick ';', which the summaries are full of. A stray quote or a record
        // with another field count is an error, not a record with fields merged.
        var options = CsvReaderOptions.Default with
        {
            Separator = ',',
            HasHeader = true,
            Mode = CsvMode.Rfc4180,
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            // Messages name records and lines, never their content: the file may be under a data use agreement.
            IncludeValuesInExceptions = false,
        };
        using var csv = CsvReader.FromText(text, options);
        string[] header;
        try
        {
            csv.ReadHeader();
            header = [.. csv.Headers];
        }
        catch (CsvFormatException e)
        {
            throw new DatasetFormatException($"{path}: unreadable header row: {e.Message}", e);
        }
        var missing = RequiredColumns.Where(c => !header.Contains(c)).ToList();
        if (missing.Count > 0)
            throw new DatasetFormatException($"{path}: header lacks column(s) {string.Join(", ", missing)}; found {string.Join(", ", header)}.");

        var samples = new List<Sample>();
        var ids = new SampleIds();
        var record = 0;
        while (true)
        {
            try
            {
                if (!csv.Read()) break;
            }
            catch (CsvFormatException e)
            {
                throw new DatasetFormatException($"{path}: malformed record after record {record} (line {e.LineNumber}): {e.Message}", e);
            }
            record++;
            if (csv.FieldCount != header.Length)
                throw new DatasetFormatException($"{path}: record {record} (line {csv.LineNumber}) has {csv.FieldCount} fields, the header has {header.Length}.");
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var c = 0; c < header.Length; c++) fields.TryAdd(header[c], csv.GetString(c) ?? "");
            var summary = TransformSummary(fields["Summary"], StripTrailingSemicolon);
            fields["Summary"] = summary;
            var fileId = fields["File ID"];
            var id = ids.Next(fileId.Length > 0 ? fileId : record.ToString(CultureInfo.InvariantCulture), record);
            samples.Add(new Sample(id, fields, summary));
        }
        return samples;
    }
}
