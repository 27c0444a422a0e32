using System.Text;
using BioEval.Harness.Datasets;

namespace BioEval.Harness.Tasks.MedNLI;

/// <summary>
/// Reads MedNLI's JSON Lines file (<c>mli_test_v1.jsonl</c>): one premise/hypothesis pair per line with
/// <c>sentence1</c>, <c>sentence2</c> and a lowercase <c>gold_label</c>. The reference keeps every line, and so
/// do we; blank lines are skipped (the reference would fail on them). Ids are <c>pairID</c> where present,
/// else the 1-based line number. All string keys of a line become fields; the reference is the label.
/// </summary>
public sealed class MedNLILoader : IDatasetLoader
{
    public static readonly MedNLILoader Instance = new();

    /// <summary>The labels the reference's prompt names; anything else means a wrong file.</summary>
    public static readonly IReadOnlyList<string> Labels = ["entailment", "neutral", "contradiction"];

    public IReadOnlyList<Sample> Load(string path)
    {
        var samples = new List<Sample>();
        var ids = new SampleIds();
        var lineNo = 0;
        foreach (var line in DatasetText.ReadLines(path))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var where = $"{path}:{lineNo}";
            using var doc = DatasetJson.Parse(Encoding.UTF8.GetBytes(line), path, firstLine: lineNo);
            var record = doc.RootElement;
            // Validated up front so a wrong file fails at load, not halfway through prompt building.
            DatasetJson.RequiredString(record, "sentence1", where);
            DatasetJson.RequiredString(record, "sentence2", where);
            var label = DatasetJson.RequiredString(record, "gold_label", where);
            if (!Labels.Contains(label))
                throw new DatasetFormatException($"{where}: field 'gold_label' is {DatasetText.Quote(label)}, expected one of {string.Join(", ", Labels)}.");
            var fields = DatasetJson.StringFields(record);
            var recordId = record.TryGetProperty("pairID", out var pid) ? DatasetJson.ScalarText(pid) : null;
            var id = ids.Next(recordId ?? lineNo.ToString(System.Globalization.CultureInfo.InvariantCulture), lineNo);
            samples.Add(new Sample(id, fields, label));
        }
        return samples;
    }
}
