using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using BioEval.Harness.Metrics;

namespace BioEval.Harness.Gates;

/// <summary>A score that fell below its snapshot by more than the tolerance.</summary>
public sealed record ScoreDecline(string Model, string Metric, double Snapshot, double Actual)
{
    public override string ToString() => FormattableString.Invariant($"{Model} {Metric}: {Actual:R} < snapshot {Snapshot:R} (Δ {Actual - Snapshot:+0.######;-0.######})");
}

/// <summary>
/// Committed score snapshots, one JSON file per task and profile:
/// <c>{"model": {"metric": value}}</c>. Only scores go in (never dataset text), so snapshots of runs on
/// data under a use agreement are still safe to commit. A decline beyond the tolerance fails the gate;
/// an improvement passes and is reported, and is recorded by accepting (BIOEVAL_ACCEPT=1).
/// </summary>
public sealed class ScoreSnapshot(string path)
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Path { get; } = path;

    /// <summary>The snapshot scores of a model, or null when the snapshot has none.</summary>
    public IReadOnlyDictionary<string, double>? Scores(string model)
    {
        if (!File.Exists(Path)) return null;
        var root = Read();
        return root[model] is JsonObject o ? o.ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<double>()) : null;
    }

    /// <summary>Declines of <paramref name="actual"/> against the snapshot, direction-aware.</summary>
    public static IReadOnlyList<ScoreDecline> Declines(
        string model, IReadOnlyDictionary<string, double> snapshot, IReadOnlyDictionary<string, double> actual,
        IEnumerable<MetricInfo> metrics, double tolerance)
    {
        var declines = new List<ScoreDecline>();
        foreach (var m in metrics)
        {
            if (!snapshot.TryGetValue(m.Name, out var expected) || !actual.TryGetValue(m.Name, out var value)) continue;
            var worse = m.Direction == MetricDirection.HigherIsBetter ? expected - value : value - expected;
            if (worse > Math.Max(tolerance, m.Tolerance)) declines.Add(new ScoreDecline(model, m.Name, expected, value));
        }
        return declines;
    }

    /// <summary>Records a model's scores (adds or replaces its entry; other models are kept).</summary>
    public void Accept(string model, IReadOnlyDictionary<string, double> scores)
    {
        var root = File.Exists(Path) ? Read() : new JsonObject();
        root[model] = new JsonObject(scores.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(Math.Round(kv.Value, 10)))));
        var sorted = new JsonObject(root.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())));
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        File.WriteAllText(Path, sorted.ToJsonString(Options) + "\n");
    }

    private JsonObject Read()
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(Path)) as JsonObject
                ?? throw new InvalidDataException($"Snapshot {Path} must hold a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Snapshot {Path} is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>Formats scores for test output.</summary>
    public static string Format(IReadOnlyDictionary<string, double> scores) =>
        string.Join(", ", scores.Select(kv => kv.Key + "=" + kv.Value.ToString("F4", CultureInfo.InvariantCulture)));
}
