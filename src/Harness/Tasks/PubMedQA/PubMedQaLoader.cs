using System.Text.Json;
using BioEval.Harness.Datasets;

namespace BioEval.Harness.Tasks.PubMedQA;

/// <summary>
/// PubMedQA PQA-L (Jin et al., EMNLP 2019; MIT licence): <c>ori_pqal.json</c>, an object of 1,000 items keyed by
/// PubMed id, each with <c>QUESTION</c>, <c>CONTEXTS</c> (the abstract's sections, an array of strings) and
/// <c>final_decision</c> (yes, no or maybe), and beside it <c>test_ground_truth.json</c>, the 500 test ids with their
/// decisions. The test items are evaluated in the file's order (split "test"); the other 500 are the train split,
/// used only as few-shot examples. Fields: <c>question</c>, <c>contexts</c> (the sections joined by newlines),
/// <c>pmid</c>, <c>split</c>; the reference is the decision. A test id missing from the file, or a ground-truth
/// decision that differs from the file's, is an error.
/// </summary>
public sealed class PubMedQaLoader : IDatasetLoader
{
    public static readonly PubMedQaLoader Instance = new();

    /// <summary>The test ids' file, looked up beside the items file.</summary>
    public const string TestFile = "test_ground_truth.json";

    public static readonly IReadOnlyList<string> Decisions = ["yes", "no", "maybe"];

    public IReadOnlyList<Sample> Load(string path)
    {
        using var doc = DatasetJson.ParseFile(path);
        DatasetJson.ExpectKind(doc.RootElement, JsonValueKind.Object, path);
        var testPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, TestFile);
        if (!File.Exists(testPath)) throw new DatasetFormatException($"PubMedQA's test ids come from {testPath}, which does not exist; put it beside {Path.GetFileName(path)}.");
        using var truthDoc = DatasetJson.ParseFile(testPath);
        DatasetJson.ExpectKind(truthDoc.RootElement, JsonValueKind.Object, testPath);
        var truth = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in truthDoc.RootElement.EnumerateObject())
            truth[p.Name] = p.Value.ValueKind == JsonValueKind.String && Decisions.Contains(p.Value.GetString())
                ? p.Value.GetString()!
                : throw new DatasetFormatException($"{testPath}: id {p.Name}: the decision must be yes, no or maybe.");

        var samples = new List<Sample>();
        foreach (var item in doc.RootElement.EnumerateObject())
        {
            var where = $"{path}: item {item.Name}";
            var question = DatasetJson.RequiredString(item.Value, "QUESTION", where);
            var decision = DatasetJson.RequiredString(item.Value, "final_decision", where);
            if (!Decisions.Contains(decision)) throw new DatasetFormatException($"{where}: final_decision is {DatasetText.Quote(decision)}, expected yes, no or maybe.");
            if (!item.Value.TryGetProperty("CONTEXTS", out var contexts) || contexts.ValueKind != JsonValueKind.Array
                || contexts.EnumerateArray().Any(c => c.ValueKind != JsonValueKind.String))
                throw new DatasetFormatException($"{where}: CONTEXTS must be an array of strings.");
            var split = truth.TryGetValue(item.Name, out var gold) ? "test" : "train";
            if (gold is not null && gold != decision)
                throw new DatasetFormatException($"{where}: {TestFile} says {gold}, the item says {decision}.");
            samples.Add(new Sample(split == "test" ? item.Name : $"train/{item.Name}", new Dictionary<string, string>
            {
                ["pmid"] = item.Name,
                ["question"] = question,
                ["contexts"] = string.Join("\n", contexts.EnumerateArray().Select(c => c.GetString())),
                ["split"] = split,
            }, decision));
        }
        var ids = samples.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var missing = truth.Keys.Where(id => !ids.Contains(id)).ToList();
        if (missing.Count > 0) throw new DatasetFormatException($"{testPath}: {missing.Count} test id(s) are not in {Path.GetFileName(path)}, e.g. {missing[0]}.");
        return samples;
    }
}
