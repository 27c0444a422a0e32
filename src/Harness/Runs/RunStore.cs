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
/// Writes a run's files: <c>results.json</c> (scores and everything needed to compare runs), <c>predictions.jsonl</c>
/// (one line per evaluated prompt, in evaluation order), <c>prompts.jsonl</c> (each distinct chat once, keyed by hash,
/// for replay on another backend), <c>report.md</c> and <c>report.html</c>.
/// Nothing a complete run wrote is ever destroyed by a later one that fails: every file is first written into the
/// folder's <c>.staging/</c>, then moved into place, results.json last (its presence marks a whole set). A complete run
/// replaces the folder's files and removes an old <c>incomplete/</c>; a failed or interrupted run moves its partial
/// files into <c>incomplete/</c> (results.json <c>"complete": false</c>, a banner in both reports) and leaves the
/// complete ones untouched.
/// These files may hold dataset text (outputs, prompts): keep them out of anything shared when the data is under a DUA.
/// </summary>
public static class RunStore
{
    /// <summary>Where a run folder keeps the partial output of a run that did not complete.</summary>
    public const string IncompleteFolder = "incomplete";

    private const string StagingFolder = ".staging";

    /// <summary>The tool's version (assembly informational version).</summary>
    public static string ToolVersion =>
        typeof(RunStore).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Writes all files for <paramref name="results"/> into the run folder (<paramref name="outputDir"/>, default the
    /// profile's), or into its <c>incomplete/</c> when <paramref name="outcome"/> is not complete; returns where they are.
    /// </summary>
    public static WrittenRun Write(RunProfile profile, ModelRegistry registry, IReadOnlyList<TaskResult> results, DateTimeOffset started,
        string? outputDir = null, RunOutcome? outcome = null, RestrictedText? restricted = null)
    {
        outcome ??= RunOutcome.Completed;
        var document = Results(profile, registry, results, started, outcome: outcome);
        return Publish(outputDir ?? profile.OutputDir, document, PredictionLines(results), PromptLines(results), profile.PublishedScores, restricted,
            RequestLines(results), profile.PublishedMultipleChoice);
    }

    /// <summary>
    /// Stages and moves into place the files of one results document (a run's, or a merge's). results.json and the
    /// reports pass through <paramref name="restricted"/>; predictions.jsonl and prompts.jsonl hold dataset text by
    /// nature and stay private to the machine.
    /// </summary>
    public static WrittenRun Publish(string dir, ResultsDocument document, string predictions, string prompts, string? publishedScores,
        RestrictedText? restricted = null, string? requests = null, string? publishedMultipleChoice = null)
    {
        var mc = publishedMultipleChoice is null ? null : PublishedMultipleChoice.Load(publishedMultipleChoice);
        restricted ??= RestrictedText.None;
        dir = Path.GetFullPath(dir);
        OutputLock.EnsureFolder(dir);
        var staging = Path.Combine(dir, StagingFolder);
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        // results.json is moved last: once it is in place, the files beside it are its own.
        (string Name, string Content)[] files =
        [
            ("predictions.jsonl", predictions),
            ("prompts.jsonl", prompts),
            ("requests.jsonl", requests ?? ""),
            ("report.md", restricted.Redact(MarkdownReport.Render(document, mc))),
            ("report.html", restricted.Redact(HtmlReport.Render(document, publishedScores is null ? null : PublishedScores.Load(publishedScores), mc))),
            ("results.json", restricted.Redact(ResultsFile.Serialize(document))),
        ];
        foreach (var (name, content) in files) WriteDurable(Path.Combine(staging, name), content);
        var target = document.Complete ? dir : Path.Combine(dir, IncompleteFolder);
        Directory.CreateDirectory(target);
        foreach (var (name, _) in files) File.Move(Path.Combine(staging, name), Path.Combine(target, name), overwrite: true);
        Directory.Delete(staging, recursive: true);
        if (document.Complete && Directory.Exists(Path.Combine(dir, IncompleteFolder))) Directory.Delete(Path.Combine(dir, IncompleteFolder), recursive: true);
        return new WrittenRun(target, document.Complete);
    }

    /// <summary>
    /// The content of results.json, as the contract types hold it; the run's comparisons are computed from the results
    /// unless given.
    /// </summary>
    public static ResultsDocument Results(RunProfile profile, ModelRegistry registry, IReadOnlyList<TaskResult> results, DateTimeOffset started,
        IReadOnlyList<PairComparison>? comparisons = null, RunOutcome? outcome = null)
    {
        outcome ??= RunOutcome.Completed;
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
                r.Metrics, r.PromptBudgets, RepeatSpreads.Of(r.Metrics, r.Predictions) is { Count: > 0 } spread ? spread : null,
                UsageSummary.Of(r.Predictions, r.Seconds), r.Scoring, r.IcdChapters, r.MetricModels))],
            Comparisons: comparisons ?? Comparisons.Compute(results, registry.Pairs, s),
            Complete: outcome.Complete,
            IncompleteReason: outcome.Reason);
    }

    private static string PredictionLines(IReadOnlyList<TaskResult> results) => PredictionsFile.Serialize(results.SelectMany(r => r.Predictions));

    /// <summary>One line per request a backend answered: task, model, item, repeat, its token counts and latency.</summary>
    private static string RequestLines(IReadOnlyList<TaskResult> results)
    {
        var sb = new StringBuilder();
        foreach (var p in results.SelectMany(r => r.Predictions))
            if (p.Usage is { } u)
                sb.Append(JsonSerializer.Serialize(new
                {
                    task = p.Task, scoring = Tasks.ScoringModes.Name(p.Scoring), model = p.Model, id = p.Id, repeat = p.Repeat,
                    prompt_tokens = u.PromptTokens, completion_tokens = u.CompletionTokens, latency_s = u.LatencySeconds,
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
        WriteDurable(tmp, content);
        File.Move(tmp, path, overwrite: true);
    }

    // Flushed to the disk before the move, so a power cut cannot leave a moved but empty file.
    private static void WriteDurable(string path, string content)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        var bytes = new UTF8Encoding(false).GetBytes(content);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }
}

/// <summary>Where a run's files were written, and whether they are a complete run's.</summary>
public sealed record WrittenRun(string Folder, bool Complete)
{
    public string ResultsJson => Path.Combine(Folder, "results.json");
    public string Predictions => Path.Combine(Folder, "predictions.jsonl");
    public string ReportMarkdown => Path.Combine(Folder, "report.md");
    public string ReportHtml => Path.Combine(Folder, "report.html");
}
