using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using BioEval.Harness.Registry;
using BioEval.Harness.Reporting;

namespace BioEval.Harness.Runs;

/// <summary>
/// Writes a run's files into its output folder: <c>results.json</c> (scores and everything needed to compare
/// runs), <c>predictions.jsonl</c> (one line per evaluated prompt, in evaluation order), <c>prompts.jsonl</c>
/// (each distinct chat once, keyed by hash, for replay on another backend) and <c>report.md</c>.
/// Each file is written to a temporary name and moved into place, so a reader never sees half a file.
/// These files may hold dataset text (outputs, prompts): keep them out of anything shared when the data is under a DUA.
/// </summary>
public static class RunStore
{
    public const int FormatVersion = 1;

    /// <summary>The tool's version (assembly informational version).</summary>
    public static string ToolVersion =>
        typeof(RunStore).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes all files for <paramref name="results"/>; returns the output folder.</summary>
    public static string Write(RunProfile profile, ModelRegistry registry, IReadOnlyList<TaskResult> results, DateTimeOffset started, string? outputDir = null)
    {
        var dir = outputDir ?? profile.OutputDir;
        Directory.CreateDirectory(dir);
        WriteAtomic(Path.Combine(dir, "results.json"), ResultsJson(profile, registry, results, started).ToJsonString(Indented) + "\n");
        WriteAtomic(Path.Combine(dir, "predictions.jsonl"), PredictionLines(results));
        WriteAtomic(Path.Combine(dir, "prompts.jsonl"), PromptLines(results));
        WriteAtomic(Path.Combine(dir, "report.md"), MarkdownReport.Render(profile, registry, results));
        return dir;
    }

    /// <summary>The content of results.json.</summary>
    public static JsonObject ResultsJson(RunProfile profile, ModelRegistry registry, IReadOnlyList<TaskResult> results, DateTimeOffset started)
    {
        var d = profile.Decoding;
        var p = profile.Protocol;
        return new JsonObject
        {
            ["format_version"] = FormatVersion,
            ["tool"] = "bioeval",
            ["tool_version"] = ToolVersion,
            ["profile"] = profile.Name,
            ["started_utc"] = started.UtcDateTime.ToString("O"),
            ["finished_utc"] = DateTimeOffset.UtcNow.UtcDateTime.ToString("O"),
            ["config"] = new JsonObject
            {
                ["models_file"] = profile.ModelsFile,
                ["data_dir"] = profile.DataDir,
                ["limit"] = profile.Limit,
                ["decoding"] = new JsonObject
                {
                    ["strategy"] = d.IsGreedy ? "greedy" : "sampling",
                    ["temperature"] = d.Temperature,
                    ["top_p"] = d.TopP,
                    ["seed"] = Integer(d.Seed),
                    ["repeats"] = d.Repeats,
                },
                ["protocol"] = new JsonObject
                {
                    ["shuffle_seed"] = Integer(p.ShuffleSeed),
                    ["document_seed"] = Integer(p.DocumentSeed),
                    ["longhealth_task1_budget"] = p.LongHealthTask1Budget,
                    ["longhealth_reserve"] = p.LongHealthReserve,
                    ["ner_few_shot"] = p.NerFewShot,
                    ["strip_trailing_semicolon"] = p.StripTrailingSemicolon,
                    ["reference_averaging"] = p.ReferenceAveraging,
                },
            },
            ["pairs"] = new JsonArray([.. registry.Pairs.Select(x => (JsonNode)new JsonObject { ["base"] = x.Base, ["bio"] = x.Bio })]),
            ["results"] = new JsonArray([.. results.Select(ResultJson)]),
        };
    }

    private static JsonNode ResultJson(TaskResult r)
    {
        var json = new JsonObject
        {
            ["task"] = r.Task,
            ["task_version"] = r.TaskVersion,
            ["model"] = r.Model,
            ["backend"] = r.Backend,
            ["samples"] = r.Samples,
            ["prompts"] = r.Prompts,
            ["rejected_prompts"] = r.RejectedPrompts,
            ["dataset_file"] = Path.GetFileName(r.DatasetFile),
            ["dataset_path"] = r.DatasetFile,
            ["dataset_sha256"] = r.DatasetSha256,
            ["prompt_pack_sha256"] = r.PromptPackSha256,
            ["seconds"] = Math.Round(r.Seconds, 3),
            ["scores"] = new JsonObject([.. r.Scores.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))]),
        };
        // Only tasks that pack prompts to a token budget have one (LongHealth).
        if (r.PromptBudgets is { } budgets)
            json["prompt_budgets"] = new JsonObject([.. budgets.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))]);
        return json;
    }

    /// <summary>An integer of any size as a JSON number (seeds may exceed 64 bits; Python reads them back exactly).</summary>
    private static JsonNode Integer(BigInteger value) => JsonNode.Parse(value.ToString(CultureInfo.InvariantCulture))!;

    private static string PredictionLines(IReadOnlyList<TaskResult> results)
    {
        var sb = new StringBuilder();
        foreach (var r in results)
            foreach (var p in r.Predictions)
                sb.Append(JsonSerializer.Serialize(new
                {
                    task = r.Task,
                    model = r.Model,
                    id = p.Id,
                    sample_id = p.SampleId,
                    repeat = p.Repeat,
                    prompt_hash = p.PromptHash,
                    raw_output = p.RawOutput,
                    parsed = p.Parsed,
                    scores = p.Scores,
                    error = p.Error,
                }, Compact)).Append('\n');
        return sb.ToString();
    }

    private static string PromptLines(IReadOnlyList<TaskResult> results)
    {
        var sb = new StringBuilder();
        var seen = new HashSet<string>();
        foreach (var r in results)
            foreach (var p in r.Predictions)
                if (seen.Add(p.PromptHash) && r.Chats.TryGetValue(p.Id, out var turns))
                    sb.Append(JsonSerializer.Serialize(new
                    {
                        prompt_hash = p.PromptHash,
                        messages = turns.Select(t => new { role = t.Role, content = t.Content }),
                    }, Compact)).Append('\n');
        return sb.ToString();
    }

    /// <summary>Writes via a temporary file and a move, so the target is either old or complete.</summary>
    public static void WriteAtomic(string path, string content)
    {
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, content, new UTF8Encoding(false));
        File.Move(tmp, path, overwrite: true);
    }
}
