using System.Security.Cryptography;
using System.Text.Json;

namespace BioEval.Harness.Reporting;

/// <summary>
/// The CLUE project's published per-model, per-task scores (percent), as in
/// <c>clue-published-scores.json</c> of the shared data: <c>{"source", "tasks": {CLUE task: {model: {key: value}}}}</c>.
/// Reports show them beside BioEval's scores for models of the paper; they are figures of Dada et al. (GEM 2025) and the
/// CLUE site, used with attribution.
/// </summary>
public sealed class PublishedScores
{
    /// <summary>BioEval's task and metric names → the file's task and score key.</summary>
    private static readonly Dictionary<(string Task, string Metric), (string Task, string Key)> Keys = new()
    {
        [("MedNLI", "accuracy")] = ("MedNLI", "ACCURACY"),
        [("MeQSum", "rouge1")] = ("MeQSum", "ROUGE1"),
        [("MeQSum", "rouge2")] = ("MeQSum", "ROUGE2"),
        [("MeQSum", "rougeL")] = ("MeQSum", "ROUGE_L"),
        [("ProblemSummary", "rouge1")] = ("Problem Summary", "ROUGE1"),
        [("ProblemSummary", "rouge2")] = ("Problem Summary", "ROUGE2"),
        [("ProblemSummary", "rougeL")] = ("Problem Summary", "ROUGE_L"),
        [("MeDiSumQA", "rouge1")] = ("MeDiSumQA", "ROUGE1"),
        [("MeDiSumQA", "rouge2")] = ("MeDiSumQA", "ROUGE2"),
        [("MeDiSumQA", "rougeL")] = ("MeDiSumQA", "ROUGE_L"),
        [("MeDiSumCode", "exact_f1")] = ("MeDiSumCode", "ICD EM F1"),
        [("MeDiSumCode", "approx_f1")] = ("MeDiSumCode", "ICD AP F1"),
        [("MeDiSumCode", "valid_ratio")] = ("MeDiSumCode", "VALID CODES"),
        [("LongHealth", "task1_accuracy")] = ("LongHealth", "Task1_Accuracy"),
        [("LongHealth", "task2_accuracy")] = ("LongHealth", "Task2_Accuracy"),
        [("LongHealth", "task3_accuracy")] = ("LongHealth", "Task3_Accuracy"),
    };

    private readonly Dictionary<string, Dictionary<string, Dictionary<string, double>>> _tasks;

    private PublishedScores(string path, string source, string sha256, Dictionary<string, Dictionary<string, Dictionary<string, double>>> tasks) =>
        (Path, Source, Sha256, _tasks) = (path, source, sha256, tasks);

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>The file's own statement of where the figures come from.</summary>
    public string Source { get; }

    /// <summary>SHA-256 of the file.</summary>
    public string Sha256 { get; }

    /// <summary>Reads the file.</summary>
    /// <exception cref="InvalidDataException">not the published-scores shape</exception>
    public static PublishedScores Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("tasks", out var tasks) || tasks.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{path}: no \"tasks\" object; not a published-scores file.");
            var parsed = new Dictionary<string, Dictionary<string, Dictionary<string, double>>>(StringComparer.Ordinal);
            foreach (var task in tasks.EnumerateObject())
            {
                var models = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
                foreach (var model in task.Value.EnumerateObject())
                    models[model.Name] = model.Value.EnumerateObject().Where(s => s.Value.ValueKind == JsonValueKind.Number)
                        .ToDictionary(s => s.Name, s => s.Value.GetDouble(), StringComparer.Ordinal);
                parsed[task.Name] = models;
            }
            var source = root.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "";
            return new PublishedScores(System.IO.Path.GetFullPath(path), source, Convert.ToHexStringLower(SHA256.HashData(bytes)), parsed);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: not a published-scores file ({e.Message}).", e);
        }
    }

    /// <summary>
    /// The published name a registry model corresponds to: the same name, ignoring case and any organisation prefix
    /// ("BioMistral/BioMistral-7B" is "BioMistral-7B"), or null when the paper has no such model.
    /// </summary>
    public string? PublishedName(string model)
    {
        var wanted = Bare(model);
        return _tasks.Values.SelectMany(t => t.Keys).Distinct().FirstOrDefault(name => Bare(name) == wanted);
    }

    /// <summary>The published value (percent) of a BioEval task and metric for a model, or null.</summary>
    public double? Score(string task, string metric, string model) =>
        Keys.TryGetValue((task, metric), out var key) && _tasks.TryGetValue(key.Task, out var models)
        && PublishedName(model) is { } name && models.TryGetValue(name, out var scores) && scores.TryGetValue(key.Key, out var value)
            ? value
            : null;

    /// <summary>A model name without organisation prefix and case, as published figures are matched to registry names.</summary>
    internal static string Bare(string name) => name[(name.LastIndexOf('/') + 1)..].ToLowerInvariant();
}
