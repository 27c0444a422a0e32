using System.Globalization;
using System.Text;
using BioEval.Harness.Datasets;
using ExcelDataReader;

namespace BioEval.Harness.Tasks.MeQSum;

/// <summary>
/// Reads the MeQSum workbook (<c>MeQSum_ACL2019_BenAbacha_Demner-Fushman.xlsx</c>) as the reference's
/// <c>pd.read_excel</c> does: the first sheet, a header row naming the columns, one sample per data row.
/// Columns are found by header name (<c>File</c>, <c>CHQ</c>, <c>Summary</c>), not by position. Rows whose
/// cells are all empty are skipped (pandas drops such trailing rows). Ids are the <c>File</c> value
/// (the question's source file), falling back to the 1-based data row number when it is empty.
/// </summary>
public sealed class MeQSumLoader : IDatasetLoader
{
    public static readonly MeQSumLoader Instance = new();

    /// <summary>The columns the task needs.</summary>
    public static readonly IReadOnlyList<string> RequiredColumns = ["File", "CHQ", "Summary"];

    static MeQSumLoader()
    {
        // ExcelDataReader asks for code page 1252 as its fallback encoding, which .NET only has once registered.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    public IReadOnlyList<Sample> Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Dataset file not found: {path}", path);
        if (path.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase)) XlsxReferences.Check(path);
        using var stream = File.OpenRead(path);
        IExcelDataReader reader;
        try
        {
            reader = ExcelReaderFactory.CreateReader(stream);
        }
        catch (Exception e) when (e is not IOException)
        {
            throw new DatasetFormatException($"{path}: not a readable Excel workbook: {e.Message}", e);
        }
        using (reader)
        {
            try
            {
                return ReadFirstSheet(reader, path);
            }
            catch (Exception e) when (e is not DatasetFormatException and not IOException)
            {
                throw new DatasetFormatException($"{path}: could not read the first sheet: {e.Message}", e);
            }
        }
    }

    private static List<Sample> ReadFirstSheet(IExcelDataReader reader, string path)
    {
        var sheet = reader.Name;
        if (!reader.Read())
            throw new DatasetFormatException($"{path}: sheet '{sheet}' is empty; expected a header row with {string.Join(", ", RequiredColumns)}.");
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var c = 0; c < reader.FieldCount; c++)
            if (CellText(reader.GetValue(c)) is { Length: > 0 } name)
                columns.TryAdd(name, c);
        var missing = RequiredColumns.Where(n => !columns.ContainsKey(n)).ToList();
        if (missing.Count > 0)
            throw new DatasetFormatException($"{path}: sheet '{sheet}' header row 1 lacks column(s) {string.Join(", ", missing)}; found {string.Join(", ", columns.Keys)}.");

        var samples = new List<Sample>();
        var ids = new SampleIds();
        var excelRow = 1;
        var dataRow = 0;
        while (reader.Read())
        {
            excelRow++;
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, c) in columns)
                fields[name] = c < reader.FieldCount ? CellText(reader.GetValue(c)) ?? "" : "";
            if (fields.Values.All(v => v.Length == 0)) continue;
            dataRow++;
            if (fields["CHQ"].Length == 0 || fields["Summary"].Length == 0)
                throw new DatasetFormatException($"{path}: sheet '{sheet}' row {excelRow} has an empty {(fields["CHQ"].Length == 0 ? "CHQ" : "Summary")} cell.");
            var rowId = dataRow.ToString(CultureInfo.InvariantCulture);
            var id = ids.Next(fields["File"].Length > 0 ? fields["File"] : rowId, dataRow);
            samples.Add(new Sample(id, fields, fields["Summary"]));
        }
        return samples;
    }

    private static string? CellText(object? value) => value switch
    {
        null => null,
        string s => s,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
