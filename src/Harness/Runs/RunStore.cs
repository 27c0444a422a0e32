using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using BioEval.Harness.Registry;
using BioEval.Harness.Reporting;
using BioEval.Harness.Results;
using BioEval.Harness.Statistics;

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
    /// <summary>The tool's version (assembly informational version).</summary>
    public static string ToolVersion =>
        typeof(RunStore).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes all files for <paramref name="results"/>; returns the output folder.</summary>
    public static string Write(RunProfile profile, ModelRegistry registry, IReadOnlyList<TaskResult> results, DateTimeOffset started, string? outputDir = null)
    {
        var dir = outputDir ?? profile.OutputDir;
        Directory.CreateDirectory(dir);
        var document = Results(profile, registry, results, started);
        WriteAtomic(Path.Combine(dir, "results.json"), ResultsFile.Serialize(document));
        WriteAtomic(Path.Combine(dir, "predictions.jsonl"), PredictionLines(results));
        WriteAtomic(Path.Combine(dir, "prompts.jsonl"), PromptLines(results));
        WriteReports(dir, document, profile.PublishedScores);
        return dir;
    }

    /// <summary>report.md and report.html of a results document (a run's, or a merge's).</summary>
    public static void WriteReports(string dir, ResultsDocument document, string? publishedScores)
    {
        WriteAtomic(Path.Combine(dir, "report.md"), MarkdownReport.Render(document));
        WriteAtomic(Path.Combine(dir, "report.html"), HtmlReport.Render(document, publishedScores is null ? null : PublishedScores.Load(publishedScores)));
    }

    /// <summary>
    /// The content of results.json, as the contract types hold it; the run's comparisons are computed from the results
    /// unless given.
    /// </summary>
    public static ResultsDocument Results(RunProfile profile, ModelRegistry registry, IReadOnlyList<TaskResult> results, DateTimeOffset started,
        IReadOnlyList<PairComparison>? comparisons = null)
    {
        var s = profile.Statistics;
        var d = profile.Decoding;
        var p = profile.Protocol;
        return new ResultsDocument(
            SchemaVersion: ResultsDocument.CurrentSchemaVersion,
            Tool: "bioeval",
            ToolVersion: ToolVersion,
            Profile: profile.Name,
            StartedUtc: started.ToUniversalTime(),
            FinishedUtc: DateTimeOffset.UtcNow,
            Config: new RunConfigRecord(profile.ModelsFile, profile.DataDir, profile.Limit,
                new DecodingRecord(d.IsGreedy ? "greedy" : "sampling", d.Temperature, d.TopP, d.Seed, d.Repeats),
                new ProtocolRecord(p.ShuffleSeed, p.DocumentSeed, p.LongHealthTask1Budget, p.LongHealthReserve, p.NerFewShot,
                    p.StripTrailingSemicolon, p.ReferenceAveraging),
                new StatisticsRecord(s.Resamples, s.Seed, s.Alpha, s.Adjustment == Adjustment.Holm ? "holm" : "bh", s.Confidence)),
            Pairs: [.. registry.Pairs.Select(x => new PairRecord(x.Base, x.Bio))],
            Results: [.. results.Select(r => new TaskModelResult(
                r.Task, r.TaskVersion, r.Model, r.Backend, r.Samples, r.Prompts, r.RejectedPrompts,
                Path.GetFileName(r.DatasetFile), r.DatasetFile, r.DatasetSha256, r.PromptPackSha256, Math.Round(r.Seconds, 3),
                r.Metrics, r.PromptBudgets, RepeatSpreads.Of(r.Metrics, r.Predictions) is { Count: > 0 } spread ? spread : null))],
            Comparisons: comparisons ?? Comparisons.Compute(results, registry.Pairs, s));
    }

    private static string PredictionLines(IReadOnlyList<TaskResult> results) => PredictionsFile.Serialize(results.SelectMany(r => r.Predictions));

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
