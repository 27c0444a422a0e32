using BioEval.Models.Onnx;
using BioEval.Models.Tiny;
using BioEval.PeerEngines;
using BioEval.TestSupport;

namespace BioEval.CrossCheck.Tests;

/// <summary>BioEval's engine and ONNX Runtime GenAI run the same tiny model folder; greedy decoding must agree.</summary>
public sealed class OrtGenAiCrossCheckTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bioeval-genai-" + Guid.NewGuid().ToString("N"));

    public OrtGenAiCrossCheckTests() => TinyModelBuilder.Write(_dir, seed: 3);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static readonly int[][] Prompts =
    [
        [505, 10, 20, 30, 40, 50, 60, 70],
        [505, 100, 101, 102, 103, 104, 105, 106],
        [505, 7, 300, 8, 301, 9, 302, 10],
    ];

    /// <summary>
    /// Both engines run the same graph on the same ONNX Runtime, but GenAI builds its own inputs and cache buffers, so
    /// kernels may see other shapes and sum in other orders; float32 rounding of these logits is about 1e-6. Greedy
    /// tokens are compared over the steps whose top-2 margin exceeds this (<see cref="LogitAgreement"/>).
    /// </summary>
    private const float Tolerance = 1e-4f;

    private OnnxDecoderSession OpenSession() =>
        OnnxDecoderSession.Open(_dir, new OnnxSessionOptions { PreferCuda = false, IntraOpNumThreads = 1, Log = _ => { } });

    private void AssertAgree(IReadOnlyList<IReadOnlyList<int>> prompts, IReadOnlyList<IReadOnlyList<int>> theirs)
    {
        using var session = OpenSession();
        var ours = new Generator(session).Generate(prompts, new GenerationOptions { MaxNewTokens = 24 });
        for (var r = 0; r < prompts.Count; r++)
        {
            Assert.NotEmpty(theirs[r]);
            var decided = LogitAgreement.DecidedSteps(session, prompts[r], ours[r].TokenIds, Tolerance);
            LogitAgreement.AssertGreedyAgrees(ours[r].TokenIds, theirs[r], decided, $"prompt {r}");
        }
    }

    [Fact]
    public void OrtGenAiLoadsTheTinyModelFolderAndGeneratesTheSameGreedyTokensAsBioEvalOneByOne()
    {
        using var peer = OrtGenAiEngine.Open(_dir, intraOpThreads: 1);
        foreach (var prompt in Prompts)
            AssertAgree([prompt], [peer.GenerateGreedy([prompt], 24)[0]]);
    }

    [Fact]
    public void OrtGenAiBatchedGreedyTokensEqualBioEvalBatchedGreedyTokens()
    {
        using var peer = OrtGenAiEngine.Open(_dir, intraOpThreads: 1);
        AssertAgree(Prompts, peer.GenerateGreedy(Prompts, 24));
    }

    [Fact]
    public void OrtGenAiRefusesBatchesOfUnequalPromptLengthsRatherThanCompareDifferentWork()
    {
        using var peer = OrtGenAiEngine.Open(_dir, intraOpThreads: 1);
        var error = Assert.Throws<ArgumentException>(() => peer.GenerateGreedy([Prompts[0], [505, 42]], 4));
        Assert.Contains("equal lengths", error.Message);
    }
}
