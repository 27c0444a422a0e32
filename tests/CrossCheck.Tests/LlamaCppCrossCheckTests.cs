using BioEval.Models.Onnx;
using BioEval.Models.Tiny;
using BioEval.Models.Tokenization;
using BioEval.PeerEngines;
using BioEval.TestSupport;
using LLama;
using LLama.Common;

namespace BioEval.CrossCheck.Tests;

/// <summary>
/// BioEval's ONNX engine against llama.cpp, an independent implementation of RMSNorm, rotary embeddings, grouped-query
/// attention and SwiGLU, on the same tiny weights (exported to GGUF by our converter).
/// </summary>
public sealed class LlamaCppCrossCheckTests(TinyGgufFixture model, ITestOutputHelper output) : IClassFixture<TinyGgufFixture>
{
    /// <summary>
    /// Largest |logit difference| allowed. Both engines compute in float32 with their own summation orders; the
    /// observed difference is below 1e-5 at every position of every prompt, so 1e-4 leaves a tenfold margin for other
    /// CPUs and kernels, while a convention error (rotary layout, head grouping) moves logits by whole units and
    /// llama.cpp's float16 flash attention path by about 2e-3. The same tolerance decides which ranks and greedy steps
    /// are compared (<see cref="LogitAgreement"/>): only those whose logits are more than it apart.
    /// </summary>
    private const float Tolerance = 1e-4f;

    private const int NewTokens = 32;

    private static readonly OnnxSessionOptions CpuOnly = new() { PreferCuda = false, IntraOpNumThreads = 1, Log = _ => { } };

    public static TheoryData<int> Seeds => [.. TinyGgufFixture.Seeds];

    /// <summary>Prompts of 1 to 300 tokens: single token, chat-formatted text, and long seeded token runs so late rotary positions count.</summary>
    private IReadOnlyList<int[]> Prompts(int seed)
    {
        var tokenizer = HfTokenizer.FromDirectory(model.ModelDir(seed));
        var rng = new Random(seed);
        int[] Random(int n) => [TinyTokenizerSpec.BosId, .. Enumerable.Range(0, n - 1).Select(_ => rng.Next(TinyTokenizerSpec.FirstSpecialId))];
        return
        [
            [TinyTokenizerSpec.BosId],
            [.. tokenizer.Encode("The patient presents with chest pain.", addSpecialTokens: true)],
            [.. tokenizer.Encode("<|user|>\nWhich ICD-10 code fits acute myocardial infarction?<|end|>\n<|assistant|>\n", addSpecialTokens: true)],
            Random(17),
            Random(64),
            Random(130),
            Random(300),
        ];
    }

    private static LlamaCppEngine LoadOrSkip(string gguf)
    {
        if (!LlamaCppEngine.TryLoadNative(out var failure)) Assert.Skip($"llama.cpp is not available on this machine: {failure}");
        return LlamaCppEngine.Load(gguf, new LlamaCppEngineOptions { Threads = 1 });
    }

    private static float[] OnnxPromptLogits(OnnxDecoderSession session, int[] prompt)
    {
        using var state = session.CreateState(1);
        var ids = prompt.Select(t => (long)t).ToArray();
        var positions = Enumerable.Range(0, prompt.Length).Select(p => (long)p).ToArray();
        session.Forward(state, ids, Enumerable.Repeat(1L, prompt.Length).ToArray(), positions, prompt.Length);
        return session.CopyAllLogits(state);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void LogitsAtEveryPromptPositionAgreeWithinToleranceAndRankTheSameTopFive(int seed)
    {
        using var llama = LoadOrSkip(model.Gguf(seed));
        using var onnx = OnnxDecoderSession.Open(model.ModelDir(seed), CpuOnly);
        var v = onnx.VocabSize;
        Assert.Equal(v, llama.VocabSize);

        foreach (var prompt in Prompts(seed))
        {
            var expected = OnnxPromptLogits(onnx, prompt);
            var actual = llama.PromptLogits(prompt);
            Assert.Equal(expected.Length, actual.Length);

            var (worst, worstAt) = LogitAgreement.MaxDifference(expected, actual);
            output.WriteLine($"seed {seed}, {prompt.Length} tokens: max |logit difference| {worst:G3}");
            Assert.True(worst <= Tolerance,
                $"seed {seed}, prompt of {prompt.Length} tokens: |logit difference| {worst:G3} at position {worstAt / v}, token {worstAt % v} exceeds {Tolerance:G3}.");
            // Ranks only where they are decided: candidates closer than the tolerance (5th and 6th of seed 2 are, on
            // some CPUs) may come out in either order, depending on the SIMD kernels llama.cpp picks.
            for (var p = 0; p < prompt.Length; p++)
            {
                var disagreement = LogitAgreement.RankDisagreement(expected.AsSpan(p * v, v), actual.AsSpan(p * v, v), 5, Tolerance);
                Assert.True(disagreement is null, $"seed {seed}, prompt of {prompt.Length} tokens, position {p}: {disagreement}.");
            }

            // The next-token entry point (only the last row computed) agrees with the last row of the full read-out.
            var next = llama.NextTokenLogits(prompt);
            Assert.True(next.Select((x, i) => MathF.Abs(x - expected[(prompt.Length - 1) * v + i])).Max() <= Tolerance);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void GreedyGenerationsAreIdenticalTokenForToken(int seed)
    {
        using var llama = LoadOrSkip(model.Gguf(seed));
        using var onnx = OnnxDecoderSession.Open(model.ModelDir(seed), CpuOnly);
        var prompts = Prompts(seed);

        var expected = new Generator(onnx).Generate([.. prompts], new GenerationOptions { MaxNewTokens = NewTokens, StopTokenIds = [] });
        var actual = llama.GenerateGreedy([.. prompts], NewTokens);

        Assert.Equal(prompts.Count, actual.Count);
        var compared = 0;
        for (var r = 0; r < prompts.Count; r++)
        {
            Assert.Equal(NewTokens, actual[r].Count);
            // Equal token for token up to the first step whose top-2 margin is within the tolerance (all 32 steps when
            // there is none): past a near-tie the two engines may continue from different tokens on another CPU.
            var decided = Math.Min(LogitAgreement.DecidedSteps(onnx, prompts[r], expected[r].TokenIds, Tolerance), NewTokens);
            LogitAgreement.AssertGreedyAgrees(expected[r].TokenIds, actual[r], decided, $"seed {seed}, prompt {r}");
            compared += decided;
        }
        output.WriteLine($"seed {seed}: {compared} of {prompts.Count * NewTokens} greedy steps decided and compared");
        Assert.True(compared * 2 >= prompts.Count * NewTokens, $"only {compared} of {prompts.Count * NewTokens} steps were decided; the check would prove little.");
    }

    [Fact]
    public void AnExportWithHuggingFaceRotaryLayoutIsCaughtByTheCrossCheck()
    {
        // Negative control: without the per-head query/key interleave llama.cpp rotates the wrong pairs. The first
        // position (angle 0) is unaffected, every later one must drift far beyond the tolerance.
        using var llama = LoadOrSkip(model.WrongRotaryGguf(1));
        using var onnx = OnnxDecoderSession.Open(model.ModelDir(1), CpuOnly);
        var prompt = Prompts(1)[^2];

        var expected = OnnxPromptLogits(onnx, prompt);
        var actual = llama.PromptLogits(prompt);
        var v = onnx.VocabSize;
        Assert.True(expected.AsSpan(0, v).ToArray().Zip(actual.AsSpan(0, v).ToArray()).Max(x => MathF.Abs(x.First - x.Second)) <= Tolerance);
        var worst = expected.Zip(actual).Max(x => MathF.Abs(x.First - x.Second));
        output.WriteLine($"HF rotary layout in llama.cpp: max |logit difference| {worst:G3}");
        Assert.True(worst > 100 * Tolerance, $"A wrong rotary layout moved logits by only {worst:G3}; the cross-check would not notice it.");
        Assert.NotEqual(
            new Generator(onnx).Generate([prompt], new GenerationOptions { MaxNewTokens = NewTokens, StopTokenIds = [] })[0].TokenIds,
            llama.GenerateGreedy([prompt], NewTokens)[0]);
    }

    [Fact]
    public void LlamaCppReadsTheExportedMetadataBack()
    {
        if (!LlamaCppEngine.TryLoadNative(out var failure)) Assert.Skip($"llama.cpp is not available on this machine: {failure}");
        using var weights = LLamaWeights.LoadFromFile(new ModelParams(model.Gguf(1)) { GpuLayerCount = 0 });
        var config = new TinyLlamaConfig();

        Assert.Equal("llama", weights.Metadata["general.architecture"]);
        Assert.Equal(config.HiddenSize.ToString(System.Globalization.CultureInfo.InvariantCulture), weights.Metadata["llama.embedding_length"]);
        Assert.Equal(config.NumKeyValueHeads.ToString(System.Globalization.CultureInfo.InvariantCulture), weights.Metadata["llama.attention.head_count_kv"]);
        Assert.Equal("gpt2", weights.Metadata["tokenizer.ggml.model"]);
        Assert.Equal(config.MaxPositionEmbeddings, weights.ContextSize);
        Assert.Equal(config.HiddenSize, weights.EmbeddingSize);
        Assert.Equal(config.VocabSize, weights.Vocab.Count);
        Assert.Equal(TinyTokenizerSpec.BosId, (int?)weights.Vocab.BOS);
        // Its own tokenizer, fed the same text, agrees with ours on this plain sentence (byte-level BPE, GPT-2 split).
        var ours = HfTokenizer.FromDirectory(model.ModelDir(1)).Encode("The patient presents with chest pain.", addSpecialTokens: false);
        Assert.Equal(ours, weights.Tokenize("The patient presents with chest pain.", add_bos: false, special: false, System.Text.Encoding.UTF8).Select(t => (int)t));
    }
}
