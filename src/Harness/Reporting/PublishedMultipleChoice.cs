using System.Security.Cryptography;
using System.Text.Json;

namespace BioEval.Harness.Reporting;

/// <summary>
/// Multiple-choice scores the models' own papers or cards publish (BIOEVAL_PUBLISHED_MC), shown in the reports beside
/// BioEval's: <c>{"source": "...", "scores": [{"model", "benchmark", "metric" (default accuracy), "value" (percent),
/// "source" (optional)}]}</c>. Models match registry names as the CLUE scores do: ignoring case and an organisation
/// prefix. A benchmark that is a BioEval task (PubMedQA) is shown next to BioEval's score on it.
/// </summary>
public sealed class PublishedMultipleChoice
{
    /// <summary>One published figure.</summary>
    public sealed record Entry(string Model, string Benchmark, string Metric, double Value, string? Source);

    private PublishedMultipleChoice(string path, string source, string sha256, IReadOnlyList<Entry> entries) =>
        (Path, Source, Sha256, Entries) = (path, source, sha256, entries);

    public string Path { get; }
    public string Source { get; }
    public string Sha256 { get; }
    public IReadOnlyList<Entry> Entries { get; }

    /// <summary>Reads the file; every malformed entry is named by its index.</summary>
    /// <exception cref="InvalidDataException">not the published multiple-choice shape</exception>
    public static PublishedMultipleChoice Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("scores", out var scores) || scores.ValueKind != JsonValueKind.Array)
                throw new InvalidDataException($"{path}: no \"scores\" array; expected {{\"source\", \"scores\": [{{\"model\", \"benchmark\", \"metric\", \"value\"}}]}}.");
            var entries = new List<Entry>();
            var problems = new List<string>();
            var i = 0;
            foreach (var e in scores.EnumerateArray())
            {
                string? Text(string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                var value = e.ValueKind == JsonValueKind.Object && e.TryGetProperty("value", out var n) && n.ValueKind == JsonValueKind.Number ? n.GetDouble() : (double?)null;
                if (Text("model") is not { Length: > 0 } model || Text("benchmark") is not { Length: > 0 } benchmark || value is not { } v || v is < 0 or > 100)
                    problems.Add($"scores[{i}] needs \"model\" and \"benchmark\" strings and a \"value\" in percent (0 to 100)");
                else
                    entries.Add(new Entry(model, benchmark, Text("metric") ?? "accuracy", v, Text("source")));
                i++;
            }
            if (problems.Count > 0) throw new InvalidDataException($"{path}: {string.Join("; ", problems)}.");
            var source = root.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "";
            return new PublishedMultipleChoice(System.IO.Path.GetFullPath(path), source, Convert.ToHexStringLower(SHA256.HashData(bytes)), entries);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message.Split(" Path:")[0]}).", e);
        }
    }

    /// <summary>The figures published for a registry model.</summary>
    public IEnumerable<Entry> For(string model) => Entries.Where(e => PublishedScores.Bare(e.Model) == PublishedScores.Bare(model));
}
