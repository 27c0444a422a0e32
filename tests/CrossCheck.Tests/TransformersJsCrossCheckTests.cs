using BioEval.Models.Onnx;
using BioEval.Models.Tiny;
using BioEval.Models.Tokenization;
using BioEval.TestSupport;

namespace BioEval.CrossCheck.Tests;

/// <summary>
/// BioEval's engine against transformers.js, which loads a model folder by Hugging Face Optimum conventions (inputs
/// input_ids, attention_mask, position_ids, past_key_values.N.key/value; config.json and generation_config.json for
/// shapes and stop ids). Same tokens from both on the tiny models means a real Optimum export runs in BioEval with
/// the inputs and cache layout its exporter intended.
/// </summary>
public sealed class TransformersJsCrossCheckTests(TransformersJsCrossCheckTests.Models models)
    : IClassFixture<TransformersJsCrossCheckTests.Models>
{
    private const int MaxNewTokens = 32;
    private const int TopK = 10;

    /// <summary>
    /// Largest logit difference allowed. Both run the same graph on ONNX Runtime's CPU provider, but of different
    /// versions (onnxruntime-node 1.30 here, 1.31 in BioEval) whose kernels may sum in other orders on other CPUs; the
    /// observed difference is 0 on this machine, float32 rounding of these logits is about 1e-6, and a wrong input
    /// (positions, mask, cache) moves them by whole units. Greedy tokens are compared over the steps whose top-2 margin
    /// exceeds it (<see cref="LogitAgreement"/>).
    /// </summary>
    private const float LogitTolerance = 1e-4f;

    private static readonly string[] Texts =
    [
        "",
        "Chest pain.",
        "Patient is a 67-year-old man with type 2 diabetes and hypertension, admitted for shortness of breath.",
        "Discharge summary: The patient was admitted with community-acquired pneumonia confirmed on chest X-ray. " +
        "He received intravenous ceftriaxone and azithromycin for three days, then oral amoxicillin. Oxygen was " +
        "weaned on day two. Blood cultures remained negative. Creatinine rose to 1.6 mg/dL and returned to baseline " +
        "with fluids. Follow up with the primary care physician in one week; repeat chest imaging in six weeks.",
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void GreedyTokensMatchTransformersJsForPromptsOfVariedLengths(int seed)
    {
        var dir = models.Dir(seed);
        var prompts = models.Prompts(seed);
        Assert.Contains(prompts, p => p.Count > 100);

        var reference = TransformersJs.GenerateGreedy(dir, prompts, MaxNewTokens, TopK);
        var ours = GenerateOneByOne(dir, prompts, stopIds: null);

        using var session = OnnxDecoderSession.Open(dir, CpuOptions);
        for (var i = 0; i < prompts.Count; i++)
        {
            var decided = LogitAgreement.DecidedSteps(session, prompts[i], ours[i].TokenIds, LogitTolerance);
            var context = $"seed {seed}, prompt {i} ({prompts[i].Count} tokens; transformers.js {reference[i].Finish}, BioEval {ours[i].FinishReason})";
            LogitAgreement.AssertGreedyAgrees(ours[i].TokenIds, reference[i].Ids, decided, context);
            if (decided > ours[i].TokenIds.Count) Assert.Equal(reference[i].Finish, FinishName(ours[i].FinishReason));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void FirstStepLogitsMatchTransformersJsWithinTolerance(int seed)
    {
        var dir = models.Dir(seed);
        var prompts = models.Prompts(seed);
        var reference = TransformersJs.GenerateGreedy(dir, prompts, maxNewTokens: 1, TopK);

        using var session = OnnxDecoderSession.Open(dir, CpuOptions);
        var logits = new float[session.VocabSize];
        for (var i = 0; i < prompts.Count; i++)
        {
            var n = prompts[i].Count;
            using var state = session.CreateState(1);
            session.Forward(state, [.. prompts[i].Select(t => (long)t)], Enumerable.Repeat(1L, n).ToArray(),
                [.. Enumerable.Range(0, n).Select(p => (long)p)], n);
            session.CopyLastLogits(state, logits);

            var worst = reference[i].FirstIds.Select((id, k) => Math.Abs(logits[id] - reference[i].FirstValues[k])).Max();
            Assert.True(worst < LogitTolerance, $"seed {seed}, prompt {i}: largest logit difference {worst:G6} at transformers.js's top {TopK}.");

            // Our own top-k must be the same values, so no token is missing from either side's best candidates.
            var ourTop = logits.OrderDescending().Take(TopK).ToArray();
            for (var k = 0; k < TopK; k++)
                Assert.True(Math.Abs(ourTop[k] - reference[i].FirstValues[k]) < LogitTolerance,
                    $"seed {seed}, prompt {i}: rank {k} logit is {ourTop[k]:G9} here, {reference[i].FirstValues[k]:G9} in transformers.js.");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void BothStopBeforeTheSameEndOfSequenceToken(int seed)
    {
        var dir = models.Dir(seed);
        var prompts = models.Prompts(seed);
        // A token each unrestricted continuation produces early becomes the stop id, so every row must stop on it.
        var free = GenerateOneByOne(dir, prompts, stopIds: []);
        using var session = OnnxDecoderSession.Open(dir, CpuOptions);
        for (var i = 0; i < prompts.Count; i++)
        {
            // Only rows whose first four steps are decided (top-2 margin above the tolerance) must stop alike.
            if (LogitAgreement.DecidedSteps(session, prompts[i], free[i].TokenIds.Take(4).ToList(), LogitTolerance) < 4) continue;
            int[] stop = [free[i].TokenIds[3]];
            var reference = TransformersJs.GenerateGreedy(dir, [prompts[i]], MaxNewTokens, TopK, eos: stop)[0];
            var ours = GenerateOneByOne(dir, [prompts[i]], stopIds: stop)[0];

            Assert.Equal(FinishReason.Stop, ours.FinishReason);
            Assert.Equal("stop", reference.Finish);
            Assert.Equal(reference.Ids, ours.TokenIds);
            Assert.True(ours.TokenIds.Count <= 3);
        }
    }

    private static readonly OnnxSessionOptions CpuOptions = new() { PreferCuda = false, Log = _ => { } };

    /// <summary>Batch of one per prompt, as the transformers.js side runs them (no padding on either side).</summary>
    private static List<GenerationResult> GenerateOneByOne(string dir, IReadOnlyList<IReadOnlyList<int>> prompts, IReadOnlyCollection<int>? stopIds)
    {
        using var session = OnnxDecoderSession.Open(dir, CpuOptions);
        var generator = new Generator(session);
        var options = new GenerationOptions { MaxNewTokens = MaxNewTokens, StopTokenIds = stopIds };
        return [.. prompts.Select(p => generator.Generate([p], options)[0])];
    }

    private static string FinishName(FinishReason reason) => reason == FinishReason.Stop ? "stop" : "length";

    /// <summary>The tiny models of seeds 1 (tiny-base) and 2 (tiny-bio), written once, and the prompts in their tokens.</summary>
    public sealed class Models : IDisposable
    {
        private readonly string _root = Path.Combine(Path.GetTempPath(), "bioeval-tjs-" + Guid.NewGuid().ToString("N"));
        private readonly Dictionary<int, IReadOnlyList<IReadOnlyList<int>>> _prompts = [];

        public string Dir(int seed)
        {
            var dir = Path.Combine(_root, "seed" + seed);
            lock (_prompts)
            {
                if (!_prompts.ContainsKey(seed))
                {
                    TinyModelBuilder.Write(dir, seed);
                    var tokenizer = HfTokenizer.FromDirectory(dir);
                    _prompts[seed] = [.. Texts.Select(t => (IReadOnlyList<int>)tokenizer.Encode(t, addSpecialTokens: true))];
                }
            }
            return dir;
        }

        public IReadOnlyList<IReadOnlyList<int>> Prompts(int seed)
        {
            Dir(seed);
            lock (_prompts) return _prompts[seed];
        }

        public void Dispose()
        {
            try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
        }
    }
}
