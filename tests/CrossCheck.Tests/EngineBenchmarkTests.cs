using System.Text.Json;
using BioEval.Models.Onnx;
using BioEval.Models.Tiny;
using BioEval.Models.Tokenization;
using BioEval.PeerEngines;
using BioEval.TestSupport;

namespace BioEval.CrossCheck.Tests;

/// <summary>The shape of <c>bioeval bench engine</c>'s report (its speed is measured by the verb, not here).</summary>
public sealed class EngineBenchmarkTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bioeval-bench-" + Guid.NewGuid().ToString("N"));

    public EngineBenchmarkTests() => TinyModelBuilder.Write(_dir, seed: 1);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private EngineBenchmarkOptions Small => new(_dir, PromptCount: 2, PromptTokens: 8, MaxNewTokens: 4, Threads: 1, Repeats: 1, BatchSize: 2, Warmups: 1);

    private static JsonElement Json(string line) => JsonDocument.Parse(line).RootElement;

    /// <summary>
    /// The bench compares peers' greedy tokens with BioEval's exactly. That holds on any CPU only where every step is
    /// decided, so the tests that rely on it first prove it: each step of the benchmark prompts has a top-2 margin above
    /// 1e-4, beyond any rounding difference between engines of the same float32 arithmetic (observed ≤ 7e-6).
    /// </summary>
    private void AssertEveryBenchmarkStepIsDecided()
    {
        using var session = OnnxDecoderSession.Open(_dir, new OnnxSessionOptions { PreferCuda = false, IntraOpNumThreads = 1, Log = _ => { } });
        var prompts = EngineBenchmark.Prompts(HfTokenizer.FromDirectory(_dir), Small.PromptCount, Small.PromptTokens);
        var outputs = new Generator(session).Generate(prompts, new GenerationOptions { MaxNewTokens = Small.MaxNewTokens, StopTokenIds = [] });
        for (var i = 0; i < prompts.Count; i++)
            Assert.True(LogitAgreement.DecidedSteps(session, prompts[i], outputs[i].TokenIds, 1e-4f) >= Small.MaxNewTokens,
                $"benchmark prompt {i} has a near-tie; exact token agreement between engines would depend on the CPU.");
    }

    [Fact]
    public void TheJsonLineCarriesBioEvalAndOrtGenAiFiguresAndTheirRatios()
    {
        var result = EngineBenchmark.Run(Small, _ => { });
        var json = Json(result.ToJsonLine());
        string[] keys = ["bioeval_tok_s_b1", "ortgenai_tok_s_b1", "bioeval_tok_s_b8", "ortgenai_tok_s_b8", "ratio_b1", "ratio_b8", "batch_speedup"];
        Assert.Equal(keys, json.EnumerateObject().Select(p => p.Name).Take(keys.Length));
        Assert.All(keys, k => Assert.True(json.GetProperty(k).GetDouble() > 0, k));
        var ratio = json.GetProperty("bioeval_tok_s_b1").GetDouble() / json.GetProperty("ortgenai_tok_s_b1").GetDouble();
        // The printed ratio is rounded to 3 decimals: equal within 1e-3, never by rounding both to 2 (2.07496 vs 2.075).
        Assert.Equal(ratio, json.GetProperty("ratio_b1").GetDouble(), 1e-3);
    }

    [Fact]
    public void EveryPeerGeneratesTheSameTokensAsBioEvalOnTheBenchmarkPrompts()
    {
        AssertEveryBenchmarkStepIsDecided();
        var result = EngineBenchmark.Run(Small, _ => { });
        var ortGenAi = Assert.Single(result.Agreements, a => a.Engine == "ortgenai");
        Assert.Equal(2, ortGenAi.MatchingB1);
        Assert.Equal(2, ortGenAi.MatchingBatch);
        Assert.All(result.Agreements, a => Assert.Null(a.FirstMismatch));
        Assert.All(result.Agreements, a => Assert.True(a.AllEqual, a.Engine));
    }

    [Theory]
    [InlineData(true, "last position only")]
    [InlineData(false, "every position")]
    public void TheLogSaysWhetherBioEvalSlicedTheLogitsAndTokensAgreeEitherWay(bool slice, string said)
    {
        AssertEveryBenchmarkStepIsDecided();
        var lines = new List<string>();
        var result = EngineBenchmark.Run(Small with { SliceLogits = slice }, lines.Add, [.. PeerEngineCatalog.All.Where(p => p.Name == "ortgenai")]);
        Assert.Contains(lines, l => l.StartsWith("bioeval: prefill computes logits", StringComparison.Ordinal) && l.Contains(said, StringComparison.Ordinal));
        Assert.True(Assert.Single(result.Agreements).AllEqual);
    }

    [Fact]
    public void LlamaCppIsMeasuredAtBatchOneOnlyWithItsRatio()
    {
        if (!LlamaCppEngine.TryLoadNative(out var why)) Assert.Skip($"llama.cpp is not available on this machine: {why}");
        AssertEveryBenchmarkStepIsDecided();
        var result = EngineBenchmark.Run(Small, _ => { }, [.. PeerEngineCatalog.All.Where(p => p.Name == "llamacpp")]);
        Assert.Empty(result.Failures);
        var json = Json(result.ToJsonLine());
        var ratio = json.GetProperty("bioeval_tok_s_b1").GetDouble() / json.GetProperty("llamacpp_tok_s_b1").GetDouble();
        Assert.Equal(ratio, json.GetProperty("ratio_vs_llamacpp_b1").GetDouble(), 1e-3);
        Assert.False(json.TryGetProperty("llamacpp_tok_s_b8", out _));
        var agreement = Assert.Single(result.Agreements);
        Assert.Equal(2, agreement.MatchingB1);
        Assert.Null(agreement.MatchingBatch);
    }

    [Fact]
    public void APeerThatCannotRunLeavesNullFiguresAndSaysWhy()
    {
        PeerEngineEntry broken = new("ortgenai", (_, _, _) => throw new DllNotFoundException("libonnxruntime-genai.so: not here"));
        var result = EngineBenchmark.Run(Small, _ => { }, [broken]);
        var json = Json(result.ToJsonLine());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("ortgenai_tok_s_b1").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("ratio_b8").ValueKind);
        Assert.True(json.GetProperty("bioeval_tok_s_b1").GetDouble() > 0);
        Assert.Contains("not here", Assert.Single(result.Failures).Reason);
    }

    [Fact]
    public void FurtherPeersAddTheirOwnKeysOnlyWhenTheyRan()
    {
        PeerEngineEntry echo = new("llamacpp", (_, _, _) => new EchoEngine());
        var json = Json(EngineBenchmark.Run(Small, _ => { }, [echo]).ToJsonLine());
        Assert.True(json.GetProperty("llamacpp_tok_s_b1").GetDouble() > 0);
        Assert.True(json.GetProperty("ratio_vs_llamacpp_b1").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("ortgenai_tok_s_b1").ValueKind);

        var without = Json(EngineBenchmark.Run(Small, _ => { }, []).ToJsonLine());
        Assert.False(without.TryGetProperty("llamacpp_tok_s_b1", out _));
    }

    [Fact]
    public void BenchmarkPromptsHaveExactlyTheRequestedLengthAndDiffer()
    {
        var tokenizer = BioEval.Models.Tokenization.HfTokenizer.FromDirectory(_dir);
        var prompts = EngineBenchmark.Prompts(tokenizer, 8, 48);
        Assert.All(prompts, p => Assert.Equal(48, p.Count));
        Assert.Equal(8, prompts.Select(p => string.Join(",", p)).Distinct().Count());
    }

    // A stand-in peer: repeats the prompt's last token.
    private sealed class EchoEngine : IPeerEngine
    {
        public string Name => "llamacpp";

        public IReadOnlyList<IReadOnlyList<int>> GenerateGreedy(IReadOnlyList<IReadOnlyList<int>> prompts, int maxNewTokens) =>
            [.. prompts.Select(p => (IReadOnlyList<int>)Enumerable.Repeat(p[^1], maxNewTokens).ToList())];

        public void Dispose() { }
    }
}
