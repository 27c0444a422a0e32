using System.CommandLine;
using System.Globalization;
using BioEval.Harness.Statistics;
using BioEval.Models.Tiny;
using BioEval.PeerEngines;

namespace BioEval.Cli.Verbs;

/// <summary>
/// <c>bioeval bench engine [--quick]</c>: BioEval's engine against peer engines on one model folder (by default the
/// tiny base model, built on first use into .cache/models/tiny-base). Human-readable lines first; the last line
/// is one JSON object with the figures, for scripts.
/// </summary>
internal static class BenchVerb
{
    public const string DefaultModelDir = ".cache/models/tiny-base";

    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "64 new tokens per prompt and 21 timed passes per engine and batch size (otherwise 128 and 61)." };
        var model = new Option<string?>("--model") { Description = $"Model folder with genai_config.json (default: the tiny base model in {DefaultModelDir})." };
        // The tiny model's ~100 kernels per step are too small to split: on it every engine is fastest on one thread
        // (measured on 2 cores), so that is its default; a real model defaults to all cores.
        var threads = new Option<int?>("--threads") { Description = "Intra-op threads for every engine (default: 1 for the tiny model, all cores for --model)." };
        var fullLogits = new Option<bool>("--full-logits") { Description = "Run BioEval's engine on the graph as exported, computing logits at every prompt position (by default its prefill computes the last position only)." };
        var engine = new Command("engine", "Generated tokens per second of BioEval's engine and of ONNX Runtime GenAI (and other peers) at batch 1 and 8, same prompts, greedy.")
        {
            quick, model, threads, fullLogits,
        };
        engine.SetAction(parseResult =>
        {
            var threadCount = parseResult.GetValue(threads) ?? (parseResult.GetValue(model) is null ? 1 : Environment.ProcessorCount);
            if (threadCount < 1)
            {
                Console.Error.WriteLine($"bioeval bench engine: --threads must be at least 1, got {threadCount}.");
                return 2;
            }
            var dir = parseResult.GetValue(model);
            if (dir is null)
            {
                dir = TinyModelCache.Ensure(DefaultModelDir, TinyModelBuilder.EmbeddedSeeds["tiny-base"]);
            }
            else if (!File.Exists(Path.Combine(dir, "genai_config.json")))
            {
                Console.Error.WriteLine($"bioeval bench engine: '{dir}' has no genai_config.json; every engine must be able to run the folder.");
                return 2;
            }
            var options = (parseResult.GetValue(quick) ? EngineBenchmarkOptions.Quick(dir, threadCount) : EngineBenchmarkOptions.Full(dir, threadCount))
                with { SliceLogits = !parseResult.GetValue(fullLogits) };
            Console.Out.WriteLine($"model: {Path.GetFullPath(dir)}");
            var result = EngineBenchmark.Run(options, Console.Out.WriteLine);
            foreach (var a in result.Agreements)
            {
                var same = a.AllEqual;
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"greedy tokens bioeval vs {a.Engine}: {(same ? "identical" : "DIFFERENT")} (batch 1: {a.MatchingB1}/{a.Prompts} prompts, batch {options.BatchSize}: {(a.MatchingBatch is { } m ? $"{m}/{a.Prompts}" : "not run")}){(a.FirstMismatch is null ? "" : "; " + a.FirstMismatch)}"));
            }
            var reference = result.Peers.FirstOrDefault(p => p.Engine == PeerEngineCatalog.ReferencePeer);
            if (reference is not null)
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"bioeval / ortgenai: batch 1 {result.BioEval.TokensPerSecondB1 / reference.TokensPerSecondB1:F2}x, batch {options.BatchSize} {result.BioEval.TokensPerSecondBatch / reference.TokensPerSecondBatch:F2}x"));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"bioeval batch {options.BatchSize} / batch 1: {result.BatchSpeedup:F2}x (execution provider {result.ExecutionProvider})"));
            Console.Out.WriteLine(result.ToJsonLine());
            return 0;
        });
        var samples = new Option<int>("--samples") { Description = "Samples per task.", DefaultValueFactory = _ => 1_000 };
        var resamples = new Option<int>("--resamples") { Description = "Bootstrap and sign-flip resamples.", DefaultValueFactory = _ => PairedBootstrap.DefaultResamples };
        var statsThreads = new Option<int?>("--threads") { Description = "Tasks computed in parallel (default: all cores)." };
        var stats = new Command("stats", "Seconds for the statistics of a paper-sized run: 12 pairs × 7 tasks × every per-sample metric, bootstrap and exact tests, Holm and BH.")
        {
            samples, resamples, statsThreads,
        };
        stats.SetAction(parseResult =>
        {
            var (n, b) = (parseResult.GetValue(samples), parseResult.GetValue(resamples));
            if (n < 21 || b < 1)
            {
                Console.Error.WriteLine($"bioeval bench stats: --samples must be at least 21 and --resamples at least 1, got {n} and {b}.");
                return 2;
            }
            StatisticsWorkload.Run(samples: 50, resamples: 50); // warm-up: JIT, not timed
            var t = StatisticsWorkload.Run(n, b, parseResult.GetValue(statsThreads) ?? 0);
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{t.Comparisons} comparisons over {t.Tasks} tasks, {t.SamplesPerTask} samples each, {t.Resamples} resamples, {t.Threads} thread(s): {t.Seconds:F3} s"));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"comparisons\":{t.Comparisons},\"samples_per_task\":{t.SamplesPerTask},\"resamples\":{t.Resamples},\"threads\":{t.Threads},\"seconds\":{Math.Round(t.Seconds, 3)}}}"));
            return 0;
        });
        var words = new Option<int>("--words") { Description = "Words of the long prediction.", DefaultValueFactory = _ => 1_000_000 };
        var rouge = new Command("rouge", "Seconds for ROUGE of one long prediction against a 100-word reference, BioEval's scorer against the textbook LCS table on the same tokens.")
        {
            words,
        };
        rouge.SetAction(parseResult =>
        {
            var n = parseResult.GetValue(words);
            if (n < 1) { Console.Error.WriteLine($"bioeval bench rouge: --words must be at least 1, got {n}."); return 2; }
            var (whole, lcs, plain, rougeL) = RougeBench.Run(n);
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ROUGE, {n} words against 100: whole score {whole:F3} s (rougeL {rougeL:F6}); LCS table: BioEval {lcs:F3} s, textbook {plain:F3} s, textbook / BioEval {plain / lcs:F2}x"));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"words\":{n},\"rouge_seconds\":{Math.Round(whole, 4)},\"lcs_seconds\":{Math.Round(lcs, 4)},\"textbook_lcs_seconds\":{Math.Round(plain, 4)},\"ratio\":{Math.Round(plain / lcs, 2)}}}"));
            return 0;
        });
        var requests = new Option<int>("--requests") { Description = "Requests to send.", DefaultValueFactory = _ => 1_000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight (the entry's max_concurrency).", DefaultValueFactory = _ => 32 };
        var latency = new Option<int>("--latency-ms") { Description = "The stand-in server's latency per request.", DefaultValueFactory = _ => 50 };
        var remote = new Command("remote", "Seconds for N requests through the openai kind against a stand-in server with a fixed latency, against the ideal N / concurrency × latency.")
        {
            requests, concurrency, latency,
        };
        remote.SetAction(async (parseResult, cancellationToken) =>
        {
            var (n, c, ms) = (parseResult.GetValue(requests), parseResult.GetValue(concurrency), parseResult.GetValue(latency));
            if (n < 1 || c < 1 || ms < 1)
            {
                Console.Error.WriteLine($"bioeval bench remote: --requests, --concurrency and --latency-ms must be at least 1, got {n}, {c} and {ms}.");
                return 2;
            }
            var (seconds, ideal, answered, kept) = await RemoteBench.RunAsync(n, c, TimeSpan.FromMilliseconds(ms), cancellationToken);
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{answered} requests at concurrency {c}, {ms} ms each (the server kept {kept:F2} ms): {seconds:F3} s, ideal {ideal:F3} s, ratio {seconds / ideal:F3} (goal: at most 1.1)"));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"requests\":{answered},\"concurrency\":{c},\"latency_ms\":{ms},\"server_latency_ms\":{Math.Round(kept, 3)},\"seconds\":{Math.Round(seconds, 4)},\"ideal_seconds\":{Math.Round(ideal, 4)},\"ratio\":{Math.Round(seconds / ideal, 4)}}}"));
            return 0;
        });
        var pairs = new Option<int>("--pairs") { Description = "Candidate/reference pairs to score.", DefaultValueFactory = _ => 20_000 };
        var encoderThreads = new Option<int?>("--threads") { Description = "Intra-op threads for both implementations (default: all cores)." };
        var encoderModel = new Option<string?>("--model") { Description = "Encoder folder (default: the embedded all-MiniLM-L6-v2)." };
        var rounds = new Option<int>("--rounds") { Description = "Timed passes per implementation, alternating which goes first; the median is reported.", DefaultValueFactory = _ => 3 };
        var bertScore = new Command("bertscore", "BERTScore pairs per second of BioEval and of the independent node reference (transformers.js tokenizer, onnxruntime-node) on the same pairs, encoder and threads.")
        {
            pairs, encoderThreads, encoderModel, rounds,
        };
        bertScore.SetAction(async (parseResult, cancellationToken) =>
        {
            var (n, t, k) = (parseResult.GetValue(pairs), parseResult.GetValue(encoderThreads) ?? Environment.ProcessorCount, parseResult.GetValue(rounds));
            if (n < 1 || t < 1 || k < 1)
            {
                Console.Error.WriteLine($"bioeval bench bertscore: --pairs, --threads and --rounds must be at least 1, got {n}, {t} and {k}.");
                return 2;
            }
            var r = await BertScoreBench.RunAsync(n, t, k, parseResult.GetValue(encoderModel), Console.Out.WriteLine, cancellationToken);
            string Rate(IEnumerable<BertScoreBench.Timing> timings) => string.Create(CultureInfo.InvariantCulture,
                $"{n / BertScoreBench.Median(timings.Select(x => x.Seconds)):F1} pairs/s, {n / BertScoreBench.Median(timings.Select(x => x.CpuSeconds)):F1} pairs/CPU s");
            Console.Out.WriteLine($"bioeval: {Rate(r.BioEval)} (medians of {r.BioEval.Count} rounds)");
            Console.Out.WriteLine(r.Node.Count > 0
                ? string.Create(CultureInfo.InvariantCulture, $"node reference: {Rate(r.Node)}; largest |F1 difference| {r.MaxF1Difference:G3}")
                : $"node reference: not run ({r.NodeNote})");
            var (ratio, cpuRatio) = (BertScoreBench.Median(r.Ratios), BertScoreBench.Median(r.CpuRatios));
            if (ratio is { } x)
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"bioeval / node, median of the rounds: {x:F2}x pairs/s ({r.Ratios.Min():F2} to {r.Ratios.Max():F2}), {cpuRatio:F2}x pairs/CPU s (goal: at least 1)"));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"pairs\":{n},\"threads\":{t},\"rounds\":{k},\"bioeval_pairs_s\":{Json(n / BertScoreBench.Median(r.BioEval.Select(x => x.Seconds)))},\"node_pairs_s\":{Json(n / BertScoreBench.Median(r.Node.Select(x => x.Seconds)))},\"ratio\":{Json(ratio)},\"cpu_ratio\":{Json(cpuRatio)},\"max_f1_difference\":{Json(r.MaxF1Difference, 9)}}}"));
            return 0;
        });
        var umlsRows = new Option<long>("--rows") { Description = "Rows of the synthetic MRCONSO.RRF (a full release has ~17 million).", DefaultValueFactory = _ => 17_000_000 };
        var umlsDir = new Option<string?>("--dir") { Description = "Folder for the synthetic lexicon and its index, kept afterwards (default: a temporary folder, deleted)." };
        var umls = new Command("umls", "Seconds, memory and file size of the UMLS index built from a synthetic MRCONSO.RRF, against reading and parsing the file; reload seconds; matches per second.")
        {
            umlsRows, umlsDir,
        };
        umls.SetAction(parseResult =>
        {
            var n = parseResult.GetValue(umlsRows);
            if (n < 1_000) { Console.Error.WriteLine($"bioeval bench umls: --rows must be at least 1000, got {n}."); return 2; }
            var dir = parseResult.GetValue(umlsDir);
            var folder = dir ?? Directory.CreateTempSubdirectory("bioeval-bench-umls-").FullName;
            try
            {
                var result = UmlsBench.Run(n, folder, Console.Out.WriteLine);
                Console.Out.WriteLine(result.Summary());
                Console.Out.WriteLine(result.ToJsonLine());
                return 0;
            }
            finally
            {
                if (dir is null) Directory.Delete(folder, recursive: true);
            }
        });
        var bench = new Command("bench", "Speed benchmarks.") { engine, stats, rouge, remote, bertScore, umls };
        return bench;
    }

    private static string Json(double? value, int digits = 2) =>
        value is { } v ? Math.Round(v, digits).ToString("R", CultureInfo.InvariantCulture) : "null";
}
