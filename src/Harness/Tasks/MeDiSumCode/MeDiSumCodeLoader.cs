using System.Globalization;
using System.Text.Json;
using BioEval.Harness.Datasets;

namespace BioEval.Harness.Tasks.MeDiSumCode;

/// <summary>
/// Reads MeDiSumCode (<c>MeDiSumCode.json</c>): a JSON array of discharge letters, each with <c>text</c>,
/// <c>icd_codes</c> (<c>[{code, description}]</c>, ICD-10-CM without dots) and optionally <c>hadm_id</c>.
/// As in the reference, the gold answer is the codes joined with ", " (<c>Fields["codes"]</c> and the
/// <see cref="Sample.Reference"/>), and the gold list is that string split on ", ", so a letter without codes
/// has the one-element list <c>[""]</c>. Ids are <c>hadm_id</c> where present, else the 1-based position.
/// </summary>
public sealed class MeDiSumCodeLoader : IDatasetLoader
{
    public static readonly MeDiSumCodeLoader Instance = new();

    /// <summary>The separator between gold codes, both when joining and when splitting.</summary>
    public const string CodeSeparator = ", ";

    public IReadOnlyList<Sample> Load(string path)
    {
        using var doc = DatasetJson.ParseFile(path);
        DatasetJson.ExpectKind(doc.RootElement, JsonValueKind.Array, path);
        var samples = new List<Sample>();
        var ids = new SampleIds();
        var index = 0;
        foreach (var record in doc.RootElement.EnumerateArray())
        {
            index++;
            var where = $"{path}: entry {index}";
            var text = DatasetJson.RequiredString(record, "text", where);
            if (!record.TryGetProperty("icd_codes", out var list) || list.ValueKind != JsonValueKind.Array)
                throw new DatasetFormatException($"{where}: field 'icd_codes' must be an array of {{code, description}} objects.");
            var codes = new List<string>();
            var n = 0;
            foreach (var entry in list.EnumerateArray())
                codes.Add(DatasetJson.RequiredString(entry, "code", $"{where}, icd_codes[{n++}]"));
            var joined = string.Join(CodeSeparator, codes);

            var fields = DatasetJson.StringFields(record);
            fields["text"] = text;
            fields["codes"] = joined;
            string? hadm = record.TryGetProperty("hadm_id", out var h) ? DatasetJson.ScalarText(h) : null;
            if (hadm is not null) fields["hadm_id"] = hadm;
            var id = ids.Next(hadm ?? index.ToString(CultureInfo.InvariantCulture), index);
            samples.Add(new Sample(id, fields, joined, joined.Split(CodeSeparator)));
        }
        return samples;
    }
}
