using BenchmarkDotNet.Attributes;
using BioEval.Models.Onnx;
using BioEval.Models.Tokenization;
using BioEval.PeerEngines;

namespace BioEval.Bench.Engine;

/// <summary>
/// One pass over the benchmark prompts (8 prompts of 48 tokens, 64 greedy new tokens each) by BioEval's engine
/// (the baseline, so the Ratio column reads peer time / BioEval time) and by ONNX Runtime GenAI, on the same tiny
/// model folder, both on the CPU with one intra-op thread. BatchSize 1 decodes the prompts one at a time.
/// </summary>
[MemoryDiagnoser]
public class GenerationBenchmarks
{
    private OnnxDecoderSession? _session;
    private Generator? _generator;
    private OrtGenAiEngine? _peer;
    private IReadOnlyList<IReadOnlyList<int>> _prompts = [];
    private readonly GenerationOptions _options = new() { MaxNewTokens = NewTokens };

    private const int NewTokens = 64;

    [Params(1, 8)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var dir = BenchModel.Ensure();
        // One thread, as `bioeval bench engine` uses on the tiny model: its ~100 small kernels per step run fastest
        // unsplit in every engine, and on a 2-core machine a second thread competes with everything else running.
        const int threads = 1;
        _prompts = EngineBenchmark.Prompts(HfTokenizer.FromDirectory(dir), 8, 48);
        _session = OnnxDecoderSession.Open(dir, new OnnxSessionOptions { PreferCuda = false, IntraOpNumThreads = threads, Log = _ => { } });
        _generator = new Generator(_session);
        _peer = OrtGenAiEngine.Open(dir, threads);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _peer?.Dispose();
        _session?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "BioEval")]
    public int BioEval()
    {
        var tokens = 0;
        foreach (var batch in _prompts.Chunk(BatchSize))
            foreach (var result in _generator!.Generate(batch, _options)) tokens += result.TokenIds.Count;
        return tokens;
    }

    [Benchmark(Description = "ORT GenAI")]
    public int OrtGenAi()
    {
        var tokens = 0;
        foreach (var batch in _prompts.Chunk(BatchSize))
            foreach (var output in _peer!.GenerateGreedy(batch, NewTokens)) tokens += output.Count;
        return tokens;
    }
}
