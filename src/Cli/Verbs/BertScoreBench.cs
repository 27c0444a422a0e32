using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BioEval.Harness.Metrics;
using BioEval.Harness.Runs;
using BioEval.Models.Encoders;

namespace BioEval.Cli.Verbs;

/// <summary>
/// <c>bioeval bench bertscore</c>: BERTScore pairs per second of BioEval (<see cref="BertScore"/> over
/// <see cref="BertEncoder"/>) and of the independent reference, tools/reference/bertscore.mjs (transformers.js's tokenizer
/// and onnxruntime-node), on the same generated pairs, the same encoder folder and the same intra-op thread count, CPU
/// only. Each side loads its model and runs a warm-up pass first, untimed; the time covers tokenizing, encoding and
/// scoring. Every text is distinct, so neither side gains from its cache of seen texts. Rounds alternate which side
/// goes first; CPU seconds (user + system of the scoring process) are kept beside the wall clock, since on a shared
/// machine they move less with the load.
/// </summary>
internal static class BertScoreBench
{
    /// <summary>
    /// The rounds' timings; the node side is empty (with the reason) where it could not run. The ratios pair each round's
    /// two runs, taken one after the other, so a change of load between rounds cancels out; their median is reported.
    /// </summary>
    public sealed record Result(int Pairs, int Threads, IReadOnlyList<Timing> BioEval, IReadOnlyList<Timing> Node, string? NodeNote, double? MaxF1Difference)
    {
        /// <summary>BioEval's pairs per second over the node reference's, per round (above 1: BioEval is faster).</summary>
        public IReadOnlyList<double> Ratios => [.. BioEval.Zip(Node, (b, n) => n.Seconds / b.Seconds)];

        /// <summary>The same in pairs per CPU second.</summary>
        public IReadOnlyList<double> CpuRatios => [.. BioEval.Zip(Node, (b, n) => n.CpuSeconds / b.CpuSeconds)];
    }

    /// <summary>Pairs scored first, untimed, by each side (JIT and ONNX Runtime warm-up).</summary>
    private const int WarmUpPairs = 16;

    /// <summary>Wall-clock and CPU seconds of one side.</summary>
    public sealed record Timing(double Seconds, double CpuSeconds);

    private static readonly string[] Words =
    [
        "patient", "admitted", "with", "chest", "pain", "shortness", "of", "breath", "and", "fever", "the", "was", "treated",
        "intravenous", "antibiotics", "for", "pneumonia", "history", "type", "2", "diabetes", "hypertension", "no", "known",
        "allergies", "creatinine", "rose", "to", "1.6", "mg/dL", "returned", "baseline", "discharged", "home", "on", "oral",
        "amoxicillin", "follow", "up", "in", "one", "week", "blood", "cultures", "negative", "echocardiogram", "showed",
        "normal", "ejection", "fraction", "she", "he", "denies", "nausea", "vomiting", "abdominal", "tenderness", "right",
        "lower", "quadrant", "CT", "scan", "appendicitis", "underwent", "laparoscopic", "appendectomy", "uneventful",
        "recovery", "metformin", "500", "mg", "twice", "daily", "aspirin", "81", "atorvastatin", "heart", "rate", "110",
        "bpm", "oxygen", "saturation", "92%", "room", "air", "wheezing", "asthma", "exacerbation", "prednisone", "taper",
    ];

    /// <summary>Pairs of 5 to 60 words each (about 10 to 90 tokens) from a clinical vocabulary, every text distinct (fixed seed).</summary>
    public static IReadOnlyList<(string Candidate, string Reference)> Pairs(int count)
    {
        var random = new Random(1);
        string Text(int i) => $"Note {i}: " + string.Join(' ', Enumerable.Range(0, random.Next(5, 61)).Select(_ => Words[random.Next(Words.Length)])) + ".";
        return [.. Enumerable.Range(0, count).Select(i => (Text(2 * i), Text(2 * i + 1)))];
    }

    public static async Task<Result> RunAsync(int pairCount, int threads, int rounds, string? modelDir, Action<string> log, CancellationToken cancellationToken)
    {
        var pairs = Pairs(pairCount);
        var folder = ScoreVerb.EncoderFolder(modelDir);
        log($"encoder: {Path.GetFullPath(folder)}; {pairCount} pairs, {threads} intra-op thread(s), CPU, {rounds} round(s)");

        var ours = new List<Timing>();
        var theirs = new List<Timing>();
        IReadOnlyList<BertScoreValue> scores = [];
        double[]? nodeF1 = null;
        string? note = null;
        for (var round = 0; round < rounds; round++)
        {
            for (var side = 0; side < 2; side++)
            {
                if ((side == 0) == (round % 2 == 0))
                {
                    (var timing, scores) = await TimeBioEvalAsync(folder, pairs, threads, log, cancellationToken);
                    ours.Add(timing);
                    log(string.Create(CultureInfo.InvariantCulture, $"round {round + 1}: bioeval {pairCount / timing.Seconds:F1} pairs/s, {pairCount / timing.CpuSeconds:F1} pairs/CPU s"));
                }
                else if (note is null)
                {
                    (var timing, nodeF1, note) = RunNode(folder, pairs, threads);
                    if (timing is null) continue;
                    theirs.Add(timing);
                    log(string.Create(CultureInfo.InvariantCulture, $"round {round + 1}: node    {pairCount / timing.Seconds:F1} pairs/s, {pairCount / timing.CpuSeconds:F1} pairs/CPU s"));
                }
            }
        }
        double? difference = nodeF1 is null ? null : scores.Select((s, i) => Math.Abs(s.F1 - nodeF1[i])).Max();
        return new Result(pairCount, threads, ours, theirs, note, difference);
    }

    /// <summary>Times scoring <paramref name="pairs"/> with a freshly opened encoder (so its cache holds none of them), after a warm-up.</summary>
    private static async Task<(Timing Timing, IReadOnlyList<BertScoreValue> Scores)> TimeBioEvalAsync(
        string folder, IReadOnlyList<(string Candidate, string Reference)> pairs, int threads, Action<string> log, CancellationToken cancellationToken)
    {
        using var encoder = BertEncoder.Open(folder, new BertEncoderOptions { IntraOpNumThreads = threads, PreferCuda = false, Log = log });
        // Warm-up, not timed: the first pairs with other texts (the encoder would answer the same ones from its cache),
        // as many as the node reference warms up on.
        await BertScore.ScoreAsync([.. pairs.Take(WarmUpPairs).Select(p => ("Warm-up: " + p.Candidate, "Warm-up: " + p.Reference))], encoder, cancellationToken);
        using var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var scores = await BertScore.ScoreAsync(pairs, encoder, cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        self.Refresh();
        return (new Timing(seconds, (self.TotalProcessorTime - cpu).TotalSeconds), scores);
    }

    /// <summary>The middle value (the mean of the middle two of an even count); null for none.</summary>
    public static double? Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0) return null;
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static (Timing? Timing, double[]? F1, string? Note) RunNode(string folder, IReadOnlyList<(string Candidate, string Reference)> pairs, int threads)
    {
        var root = RepoPaths.FindRoot(Directory.GetCurrentDirectory()) ?? RepoPaths.FindRoot();
        if (root is null) return (null, null, "not in a BioEval checkout (tools/reference/bertscore.mjs)");
        var modules = Path.Combine(root, ".cache", "reference", "node_modules");
        foreach (var package in new[] { "@huggingface/transformers", "onnxruntime-node" })
            if (!File.Exists(Path.Combine(modules, package, "package.json")))
                return (null, null, $"npm package {package} is not installed in .cache/reference; run tools/reference/fetch.sh");

        var pairsFile = Path.Combine(Path.GetTempPath(), $"bioeval-bertscore-bench-{Guid.NewGuid():N}.json");
        File.WriteAllText(pairsFile, JsonSerializer.Serialize(pairs.Select(p => new[] { p.Candidate, p.Reference })));
        try
        {
            var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { Path.Combine(root, "tools", "reference", "bertscore.mjs"), folder, pairsFile, "--threads", threads.ToString(CultureInfo.InvariantCulture), "--warm-up", WarmUpPairs.ToString(CultureInfo.InvariantCulture) })
                psi.ArgumentList.Add(a);
            Process? process;
            try
            {
                process = Process.Start(psi);
            }
            catch (System.ComponentModel.Win32Exception)
            {
                process = null;
            }
            if (process is null) return (null, null, "node is not installed");
            using (process)
            {
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                process.WaitForExit();
                if (process.ExitCode != 0) return (null, null, $"node bertscore.mjs exited with {process.ExitCode}: {stderr.Result.Trim()}");
                using var doc = JsonDocument.Parse(stdout.Result);
                var f1 = doc.RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("f").GetDouble()).ToArray();
                return (new Timing(doc.RootElement.GetProperty("seconds").GetDouble(), doc.RootElement.GetProperty("cpu_seconds").GetDouble()), f1, null);
            }
        }
        finally
        {
            File.Delete(pairsFile);
        }
    }
}
