using System.Text;
using BioEval.Harness.Registry;
using BioEval.Harness.Results;
using BioEval.Harness.Statistics;

namespace BioEval.Harness.Runs;

/// <summary>
/// <c>bioeval report --merge</c>: joins the run folders of shards (CI jobs each running <c>--filter Task=X</c> or a subset
/// of pairs) into one run: results, per-sample predictions and prompts are combined, the comparisons are computed
/// afresh over the whole (so the multiple-comparison adjustment covers every shard), and both reports are rendered.
/// Shards must be one run cut in pieces: the same tool version, profile, decoding, protocol, statistics, sample limit,
/// pairs and models file name, and per task the same task version, dataset and prompt pack. A task × model in two
/// shards is kept once when both hold the same scores, else refused. Absolute folders may differ (shards run on
/// different machines); dataset hashes are what must agree.
/// </summary>
public static class RunMerge
{
    /// <summary>Reads, checks and merges the shard folders; writes the merged run to <paramref name="outputDir"/>.</summary>
    /// <exception cref="InvalidDataException">a shard is unreadable, or the shards are not one run (the message names the difference)</exception>
    public static ResultsDocument Merge(IReadOnlyList<string> shardDirs, string outputDir, string? publishedScores, string? publishedMultipleChoice = null)
    {
        if (shardDirs.Count == 0) throw new InvalidDataException("Give at least one run folder to merge.");
        var output = Path.GetFullPath(outputDir);
        var shards = new List<Shard>();
        foreach (var dir in shardDirs)
        {
            var full = Path.GetFullPath(dir);
            if (full.TrimEnd(Path.DirectorySeparatorChar) == output.TrimEnd(Path.DirectorySeparatorChar))
                throw new InvalidDataException($"--out {outputDir} is one of the folders merged; write the merge elsewhere.");
            var results = Path.Combine(full, "results.json");
            var predictions = Path.Combine(full, "predictions.jsonl");
            if (!File.Exists(results)) throw new InvalidDataException($"{full}: no results.json; not a run folder.");
            if (!File.Exists(predictions)) throw new InvalidDataException($"{full}: no predictions.jsonl; the per-sample scores the comparisons need are missing.");
            var document = ResultsFile.Read(results);
            if (!document.Complete) throw new InvalidDataException($"{full}: an incomplete run ({document.IncompleteReason}); finish it (bioeval run --resume) before merging.");
            shards.Add(new Shard(full, document, PredictionsFile.Read(predictions), Path.Combine(full, "prompts.jsonl")));
        }

        var first = shards[0];
        foreach (var other in shards.Skip(1)) CheckSameRun(first, other);

        var kept = new List<(TaskModelResult Result, Shard From)>();
        foreach (var shard in shards)
            foreach (var result in shard.Document.Results)
            {
                var same = kept.FirstOrDefault(k => k.Result.Task == result.Task && k.Result.Scoring == result.Scoring && k.Result.Model == result.Model);
                if (same.Result is null)
                {
                    var sameTask = kept.FirstOrDefault(k => k.Result.Task == result.Task);
                    if (sameTask.Result is not null) CheckSameTask(sameTask.Result, sameTask.From, result, shard);
                    kept.Add((result, shard));
                    continue;
                }
                if (!same.Result.Scores.SequenceEqual(result.Scores) || same.Result.DatasetSha256 != result.DatasetSha256)
                    throw new InvalidDataException($"{result.Label} / {result.Model} is in {same.From.Dir} and in {shard.Dir} with different scores; a model may be in two shards only when both ran it alike.");
            }

        var scored = kept.Select(k => new ScoredResult(k.Result.Task, k.Result.Model, k.Result.Scores,
            [.. k.From.Predictions.Where(p => p.Task == k.Result.Task && p.Scoring == k.Result.Scoring && p.Model == k.Result.Model)], k.Result.Scoring)).ToList();
        var s = first.Document.Config.Statistics;
        var options = new StatisticsOptions(s.Resamples, (ulong)s.Seed, s.Alpha, s.Adjustment == "bh" ? Adjustment.BenjaminiHochberg : Adjustment.Holm, s.Confidence);
        var pairs = first.Document.Pairs.Select(p => new ModelPair(p.Base, p.Bio)).ToList();
        var merged = first.Document with
        {
            StartedUtc = shards.Min(x => x.Document.StartedUtc),
            FinishedUtc = shards.Max(x => x.Document.FinishedUtc),
            Results = [.. kept.Select(k => k.Result)],
            Comparisons = Comparisons.Compute(scored, pairs, options),
        };

        using (OutputLock.Acquire(output))
            RunStore.Publish(output, merged, PredictionsFile.Serialize(scored.SelectMany(r => r.Predictions)), PromptLines(shards), publishedScores,
                requests: string.Concat(shards.Select(s => Path.Combine(s.Dir, "requests.jsonl")).Where(File.Exists).Select(File.ReadAllText)),
                publishedMultipleChoice: publishedMultipleChoice);
        return merged;
    }

    private static void CheckSameRun(Shard a, Shard b)
    {
        var (x, y) = (a.Document, b.Document);
        void Same<T>(string what, T left, T right)
        {
            if (!EqualityComparer<T>.Default.Equals(left, right))
                throw new InvalidDataException($"{b.Dir} is not a shard of the same run as {a.Dir}: {what} differs ({left} vs {right}).");
        }
        Same("tool version", x.ToolVersion, y.ToolVersion);
        Same("profile", x.Profile, y.Profile);
        Same("decoding", x.Config.Decoding, y.Config.Decoding);
        Same("protocol", x.Config.Protocol, y.Config.Protocol);
        Same("statistics", x.Config.Statistics, y.Config.Statistics);
        Same("sample limit", x.Config.Limit?.ToString() ?? "none", y.Config.Limit?.ToString() ?? "none");
        Same("models file", Path.GetFileName(x.Config.ModelsFile), Path.GetFileName(y.Config.ModelsFile));
        Same("pairs", string.Join(", ", x.Pairs.Select(p => $"{p.Base} → {p.Bio}")), string.Join(", ", y.Pairs.Select(p => $"{p.Base} → {p.Bio}")));
    }

    private static void CheckSameTask(TaskModelResult a, Shard from, TaskModelResult b, Shard shard)
    {
        void Same(string what, string left, string right)
        {
            if (left != right)
                throw new InvalidDataException($"{a.Task} differs between {from.Dir} and {shard.Dir}: {what} {left} vs {right}.");
        }
        Same("task version", a.TaskVersion.ToString(), b.TaskVersion.ToString());
        Same("dataset", a.DatasetFile, b.DatasetFile);
        Same("dataset sha256", a.DatasetSha256, b.DatasetSha256);
        Same("prompt pack sha256", a.PromptPackSha256, b.PromptPackSha256);
        Same("samples", a.Samples.ToString(), b.Samples.ToString());
    }

    /// <summary>Each distinct chat once, in shard order.</summary>
    private static string PromptLines(IEnumerable<Shard> shards)
    {
        var sb = new StringBuilder();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var shard in shards.Where(s => File.Exists(s.PromptsFile)))
            foreach (var line in File.ReadLines(shard.PromptsFile))
            {
                if (line.Length == 0) continue;
                using var doc = System.Text.Json.JsonDocument.Parse(line);
                if (seen.Add(doc.RootElement.GetProperty("prompt_hash").GetString() ?? "")) sb.Append(line).Append('\n');
            }
        return sb.ToString();
    }

    private sealed record Shard(string Dir, ResultsDocument Document, IReadOnlyList<PredictionLine> Predictions, string PromptsFile);
}
