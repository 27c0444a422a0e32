using System.Globalization;
using System.Text.Json;
using BioEval.Harness.Datasets;

namespace BioEval.Harness.Tasks.MeDiSumQA;

/// <summary>
/// Reads MeDiSumQA (<c>MeDiSumQA.json</c>): a JSON array of objects with <c>discharge_summary</c>, <c>Question</c>
/// and <c>Answer</c>, as the reference's <c>json.load</c> expects. Ids are the 1-based array positions (the file
/// has no id field); every string key becomes a field and the reference is the <c>Answer</c>.
/// </summary>
public sealed class MeDiSumQALoader : IDatasetLoader
{
    public static readonly MeDiSumQALoader Instance = new();

    public IReadOnlyList<Sample> Load(string path)
    {
        using var doc = DatasetJson.ParseFile(path);
        DatasetJson.ExpectKind(doc.RootElement, JsonValueKind.Array, path);
        var samples = new List<Sample>();
        var index = 0;
        foreach (var record in doc.RootElement.EnumerateArray())
        {
            index++;
            var where = $"{path}: entry {index}";
            DatasetJson.RequiredString(record, "discharge_summary", where);
            DatasetJson.RequiredString(record, "Question", where);
            var answer = DatasetJson.RequiredString(record, "Answer", where);
            samples.Add(new Sample(index.ToString(CultureInfo.InvariantCulture), DatasetJson.StringFields(record), answer));
        }
        return samples;
    }
}
