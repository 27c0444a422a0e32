using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using BioEval.Models.Onnx;
using BioEval.Models.Tokenization;

namespace BioEval.PeerEngines;

/// <summary>Settings of one engine benchmark run.</summary>
/// <param name="ModelDir">Model folder every engine runs (BioEval and the ONNX peers read the same files).</param>
/// <param name="PromptCount">Prompts per pass; batch 1 decodes them one after the other, the large batch all at once.</param>
/// <param name="PromptTokens">Exact length of every prompt, so no engine pays for padding and token counts compare.</param>
/// <param name="MaxNewTokens">Tokens generated per prompt (fewer only where a row emits end-of-sequence, equally in both when tokens agree).</param>
/// <param name="Threads">ONNX Runtime intra-op threads, the same for every engine.</param>
/// <param name="Repeats">Timed passes per engine and batch size; the median is reported.</param>
/// <param name="BatchSize">The large batch size.</param>
/// <param name="Warmups">Untimed passes first, per engine and batch size: enough for .NET's tiered JIT to reach its
/// optimised code and for every engine's allocator to reach its steady state, so no engine is timed while warming.</param>
/// <param name="SliceLogits">Let BioEval's prefill compute last-position logits only (its default); false measures it
/// on the graph as exported, the way the ONNX peers run it.</param>
public sealed record EngineBenchmarkOptions(
    string ModelDir,
    int PromptCount = 8,
    int PromptTokens = 48,
    int MaxNewTokens = 64,
    int Threads = 2,
    int Repeats = 7,
    int BatchSize = 8,
    int Warmups = 5,
    bool SliceLogits = true)
{
    /// <summary>The quick profile of <c>bioeval bench engine --quick</c>: 64 new tokens, 21 timed passes (a few seconds).</summary>
    public static EngineBenchmarkOptions Quick(string modelDir, int threads) => new(modelDir, Threads: threads, Repeats: 21);

    /// <summary>The longer profile: 128 new tokens, 61 timed passes.</summary>
    public static EngineBenchmarkOptions Full(string modelDir, int threads) => new(modelDir, MaxNewTokens: 128, Threads: threads, Repeats: 61);
}

/// <summary>A peer engine the benchmark knows how to open; <see cref="PeerEngineCatalog"/> lists them.</summary>
/// <param name="Name">Key prefix in the JSON line ("ortgenai", "llamacpp").</param>
/// <param name="Open">Opens the engine on a model folder with a thread count and the end-of-sequence ids BioEval's
/// engine stops on (read from the session the benchmark already has open); throws when it cannot run here.</param>
/// <param name="Batched">Whether the engine decodes a batch together; one that takes prompts one after the other is
/// measured at batch 1 only, since its "batch" figure would only repeat that.</param>
public sealed record PeerEngineEntry(string Name, Func<string, int, IReadOnlyCollection<int>, IPeerEngine> Open, bool Batched = true);

/// <summary>
/// The peers <c>bioeval bench engine</c> measures BioEval against. Adding a peer is one entry here; its figures
/// then appear in the JSON line as <c>NAME_tok_s_b1</c>, <c>NAME_tok_s_b8</c>, <c>ratio_vs_NAME_b1</c> and
/// <c>ratio_vs_NAME_b8</c> whenever it ran. ONNX Runtime GenAI is the reference peer: its figures always have keys
/// (null when it could not run) and its ratios are the plain <c>ratio_b1</c>/<c>ratio_b8</c>.
/// </summary>
public static class PeerEngineCatalog
{
    public const string ReferencePeer = "ortgenai";

    public static IReadOnlyList<PeerEngineEntry> All { get; } =
    [
        new(ReferencePeer, (dir, threads, _) => OrtGenAiEngine.Open(dir, threads)),
        // llama.cpp on a GGUF exported from the same folder, stopping on the same end-of-sequence ids as BioEval.
        new("llamacpp", (dir, threads, stops) => LlamaCppEngine.FromModelFolder(dir, new LlamaCppEngineOptions
        {
            Threads = threads,
            StopTokenIds = stops,
        }), Batched: false),
    ];
}

/// <summary>Median throughput of one engine at batch 1 and at the large batch (null when not measured there), in generated tokens per second.</summary>
public sealed record EngineFigures(string Engine, double TokensPerSecondB1, double? TokensPerSecondBatch, int TokensPerPass)
{
    /// <summary>One human-readable line.</summary>
    public string Describe(int batchSize) => string.Create(CultureInfo.InvariantCulture,
        $"{Engine,-9} batch 1: {TokensPerSecondB1,9:F1} tok/s   batch {batchSize}: {(TokensPerSecondBatch is { } t ? t.ToString("F1", CultureInfo.InvariantCulture) + " tok/s" : "(not batched)"),15}   ({TokensPerPass} tokens per pass)");
}

/// <summary>A peer that could not be opened or run, and why.</summary>
public sealed record PeerFailure(string Engine, string Reason);

/// <summary>Whether a peer's greedy tokens equal BioEval's, per batch size.</summary>
/// <param name="Engine">The peer's name.</param>
/// <param name="MatchingB1">Prompts whose outputs are equal at batch 1.</param>
/// <param name="MatchingBatch">Prompts equal at the large batch; null for a peer measured at batch 1 only.</param>
/// <param name="Prompts">Prompts compared.</param>
/// <param name="FirstMismatch">Where the first difference is, or null.</param>
public sealed record TokenAgreement(string Engine, int MatchingB1, int? MatchingBatch, int Prompts, string? FirstMismatch)
{
    /// <summary>Every compared output is equal.</summary>
    public bool AllEqual => MatchingB1 == Prompts && (MatchingBatch is null || MatchingBatch == Prompts);
}

/// <summary>Everything one benchmark run measured.</summary>
public sealed record EngineBenchmarkResult(
    EngineBenchmarkOptions Options,
    string ExecutionProvider,
    EngineFigures BioEval,
    IReadOnlyList<EngineFigures> Peers,
    IReadOnlyList<PeerFailure> Failures,
    IReadOnlyList<TokenAgreement> Agreements)
{
    /// <summary>BioEval at the large batch over BioEval at batch 1.</summary>
    public double BatchSpeedup => BioEval.TokensPerSecondBatch!.Value / BioEval.TokensPerSecondB1;

    /// <summary>
    /// The one-line JSON summary. Keys are fixed for BioEval and the reference peer (null where it did not run);
    /// other peers add keys only when they ran. Batch-size keys say b8 because the default large batch is 8.
    /// </summary>
    public string ToJsonLine()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            var reference = Peers.FirstOrDefault(p => p.Engine == PeerEngineCatalog.ReferencePeer);
            w.WriteNumber("bioeval_tok_s_b1", Round(BioEval.TokensPerSecondB1));
            Number(w, "ortgenai_tok_s_b1", reference?.TokensPerSecondB1);
            w.WriteNumber("bioeval_tok_s_b8", Round(BioEval.TokensPerSecondBatch!.Value));
            Number(w, "ortgenai_tok_s_b8", reference?.TokensPerSecondBatch);
            Number(w, "ratio_b1", reference is null ? null : BioEval.TokensPerSecondB1 / reference.TokensPerSecondB1);
            Number(w, "ratio_b8", reference is null ? null : BioEval.TokensPerSecondBatch / reference.TokensPerSecondBatch);
            w.WriteNumber("batch_speedup", Round(BatchSpeedup));
            foreach (var peer in Peers.Where(p => p.Engine != PeerEngineCatalog.ReferencePeer))
            {
                w.WriteNumber($"{peer.Engine}_tok_s_b1", Round(peer.TokensPerSecondB1));
                w.WriteNumber($"ratio_vs_{peer.Engine}_b1", Round(BioEval.TokensPerSecondB1 / peer.TokensPerSecondB1));
                if (peer.TokensPerSecondBatch is not { } batch) continue;
                w.WriteNumber($"{peer.Engine}_tok_s_b8", Round(batch));
                w.WriteNumber($"ratio_vs_{peer.Engine}_b8", Round(BioEval.TokensPerSecondBatch!.Value / batch));
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v) w.WriteNumber(name, Round(v));
        else w.WriteNull(name);
    }

    private static double Round(double v) => Math.Round(v, 3);
}

/// <summary>
/// Generated tokens per second of BioEval's ONNX engine and of peer engines on the same model folder, the same
/// prompt token ids, greedy decoding, the same thread count. Each (engine, batch size) is warmed up (<see cref="EngineBenchmarkOptions.Warmups"/>) and then
/// timed <see cref="EngineBenchmarkOptions.Repeats"/> times, passes of the engines alternating; a pass decodes every
/// prompt (batch 1: one at a time), and its time includes prefill, as a user of either engine would see it.
/// </summary>
public static class EngineBenchmark
{
    /// <summary>Runs the benchmark; <paramref name="log"/> receives human-readable progress lines.</summary>
    public static EngineBenchmarkResult Run(EngineBenchmarkOptions options, Action<string> log, IReadOnlyList<PeerEngineEntry>? peers = null)
    {
        peers ??= PeerEngineCatalog.All;
        var tokenizer = HfTokenizer.FromDirectory(options.ModelDir);
        var prompts = Prompts(tokenizer, options.PromptCount, options.PromptTokens);
        log(string.Create(CultureInfo.InvariantCulture,
            $"{prompts.Count} prompts of {options.PromptTokens} tokens, {options.MaxNewTokens} new tokens each, greedy; batch 1 and {options.BatchSize}; {options.Threads} intra-op threads for every engine; median of {options.Repeats} timed passes after {options.Warmups} warm-up passes."));

        using var session = OnnxDecoderSession.Open(options.ModelDir, new OnnxSessionOptions { PreferCuda = false, IntraOpNumThreads = options.Threads, SliceLogits = options.SliceLogits, Log = log });
        log(session.SlicesLogits
            ? "bioeval: prefill computes logits at each prompt's last position only (LogitsSlicer); ONNX Runtime GenAI runs the graph as exported."
            : $"bioeval: prefill computes logits at every position ({session.LogitsSliceNote ?? "--full-logits"}).");
        var generator = new Generator(session);
        var generation = new GenerationOptions { MaxNewTokens = options.MaxNewTokens };
        var engines = new List<Contestant> { new("bioeval", batch => [.. generator.Generate(batch, generation).Select(r => r.TokenIds)], null, batched: true) };
        var failures = new List<PeerFailure>();
        try
        {
            foreach (var entry in peers)
            {
                try
                {
                    var peer = entry.Open(options.ModelDir, options.Threads, session.EosTokenIds);
                    engines.Add(new Contestant(entry.Name, batch => peer.GenerateGreedy(batch, options.MaxNewTokens), peer, entry.Batched));
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    Fail(entry.Name, e);
                }
            }

            // Passes alternate between engines and between batch sizes, so a change in machine load (other processes,
            // clock changes) hits every engine and both batch sizes alike: the ratios and the batch speedup compare
            // figures taken in the same stretch of time.
            for (var pass = 0; pass < options.Warmups + options.Repeats; pass++)
            {
                var batches = pass % 2 == 0 ? new[] { 1, options.BatchSize } : [options.BatchSize, 1];
                foreach (var batch in batches)
                {
                    // Every other pass runs the engines in reverse order, so none always follows the same other one.
                    var order = pass % 2 == 0 ? engines : Enumerable.Reverse(engines);
                    foreach (var engine in order.Where(e => e.Failure is null && (batch == 1 || e.Batched)).ToList())
                    {
                        try
                        {
                            engine.Pass(prompts, batch, timed: pass >= options.Warmups);
                        }
                        catch (Exception e) when (e is not OutOfMemoryException && engine.Name != "bioeval")
                        {
                            engine.Failure = e;
                            Fail(engine.Name, e);
                        }
                    }
                }
            }

            var ours = engines[0].Figures(options.BatchSize);
            log(ours.Describe(options.BatchSize));
            var figures = new List<EngineFigures>();
            var agreements = new List<TokenAgreement>();
            foreach (var peer in engines.Skip(1).Where(e => e.Failure is null))
            {
                figures.Add(peer.Figures(options.BatchSize));
                log(figures[^1].Describe(options.BatchSize));
                agreements.Add(Agree(peer.Name, engines[0].Outputs, peer.Outputs));
            }
            return new EngineBenchmarkResult(options, session.ExecutionProvider, ours, figures, failures, agreements);
        }
        finally
        {
            foreach (var engine in engines) engine.Peer?.Dispose();
        }

        void Fail(string name, Exception e)
        {
            var reason = $"{e.GetType().Name}: {e.Message.Split('\n')[0].Trim()}";
            failures.Add(new PeerFailure(name, reason));
            log($"{name}: could not run ({reason}); its figures are left out.");
        }
    }

    /// <summary>
    /// <paramref name="count"/> prompts of exactly <paramref name="tokens"/> token ids: the model's BOS, then a
    /// clinical-style text (different per prompt) cut to length. Encoded once, so every engine sees the same ids.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<int>> Prompts(HfTokenizer tokenizer, int count, int tokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(tokens, 2);
        var prompts = new List<IReadOnlyList<int>>(count);
        for (var i = 0; i < count; i++)
        {
            var text = new StringBuilder();
            var ids = new List<int>();
            for (var k = 0; ids.Count < tokens + 1; k++)
            {
                text.Append(Sentences[(i + k * 3) % Sentences.Length]).Append(' ');
                ids = [.. tokenizer.Encode(text.ToString(), addSpecialTokens: true)];
                if (k > 4 * tokens) throw new InvalidOperationException($"The tokenizer in use yields fewer than {tokens} tokens from the benchmark text.");
            }
            prompts.Add(ids.GetRange(0, tokens));
        }
        return prompts;
    }

    private static readonly string[] Sentences =
    [
        "The patient is a sixty year old woman with shortness of breath and a dry cough for three days.",
        "On examination the blood pressure is 142/88 mmHg and the heart rate is 96 beats per minute.",
        "Laboratory results show a normal white blood cell count and a creatinine of 0.9 mg/dL.",
        "Assessment: acute exacerbation of asthma, likely triggered by a viral infection.",
        "A man of forty five years was admitted with abdominal pain in the right lower quadrant.",
        "An ultrasound of the abdomen showed an enlarged appendix with surrounding fluid.",
        "Discharge medications: paracetamol 500 mg every six hours as needed for pain.",
        "Question: does the patient have a history of diabetes? Answer: yes, treated with metformin.",
        "The chest x-ray shows no infiltrate and no effusion; the lungs show mild wheezing.",
        "Plan: start inhaled corticosteroids and follow up in the clinic in two weeks.",
    ];

    // One engine under test: its timed passes per batch size and its last outputs (index 0: batch 1, 1: large batch).
    private sealed class Contestant(string name, Func<IReadOnlyList<IReadOnlyList<int>>, IReadOnlyList<IReadOnlyList<int>>> generate, IPeerEngine? peer, bool batched)
    {
        private readonly Dictionary<int, List<double>> _rates = [];

        public string Name => name;
        public bool Batched => batched;
        public IPeerEngine? Peer => peer;
        public Exception? Failure { get; set; }
        public IReadOnlyList<IReadOnlyList<int>>[] Outputs { get; } = [[], []];
        public int TokensPerPass { get; private set; }

        public void Pass(IReadOnlyList<IReadOnlyList<int>> prompts, int batchSize, bool timed)
        {
            var outputs = new List<IReadOnlyList<int>>(prompts.Count);
            var clock = Stopwatch.StartNew();
            for (var start = 0; start < prompts.Count; start += batchSize)
                outputs.AddRange(generate([.. prompts.Skip(start).Take(batchSize)]));
            var seconds = clock.Elapsed.TotalSeconds;
            var tokens = outputs.Sum(o => o.Count);
            Outputs[batchSize == 1 ? 0 : 1] = outputs;
            if (batchSize == 1) TokensPerPass = tokens;
            if (!timed) return;
            if (!_rates.TryGetValue(batchSize, out var list)) _rates[batchSize] = list = [];
            list.Add(tokens / seconds);
        }

        public EngineFigures Figures(int batchSize) =>
            new(name, Median(_rates[1]), _rates.TryGetValue(batchSize, out var batch) ? Median(batch) : null, TokensPerPass);

        private static double Median(List<double> values)
        {
            var sorted = values.Order().ToList();
            var n = sorted.Count;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }
    }

    private static TokenAgreement Agree(string name, IReadOnlyList<IReadOnlyList<int>>[] ours, IReadOnlyList<IReadOnlyList<int>>[] theirs)
    {
        string? first = null;
        int Count(int which)
        {
            var n = 0;
            for (var p = 0; p < ours[which].Count; p++)
            {
                if (ours[which][p].SequenceEqual(theirs[which][p])) { n++; continue; }
                first ??= Mismatch(which == 0 ? "batch 1" : "large batch", p, ours[which][p], theirs[which][p]);
            }
            return n;
        }
        return new TokenAgreement(name, Count(0), theirs[1].Count == 0 ? null : Count(1), ours[0].Count, first);
    }

    private static string Mismatch(string where, int prompt, IReadOnlyList<int> ours, IReadOnlyList<int> theirs)
    {
        var at = 0;
        while (at < ours.Count && at < theirs.Count && ours[at] == theirs[at]) at++;
        return string.Create(CultureInfo.InvariantCulture,
            $"{where}, prompt {prompt}: first difference at generated token {at} (bioeval {(at < ours.Count ? ours[at] : -1)}, peer {(at < theirs.Count ? theirs[at] : -1)}; lengths {ours.Count} vs {theirs.Count})");
    }
}
