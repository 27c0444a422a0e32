using BioEval.Models.Onnx;
using BioEval.Models.Tiny;
using BioEval.PeerEngines;

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

    private IReadOnlyList<IReadOnlyList<int>> BioEvalGreedy(IReadOnlyList<IReadOnlyList<int>> prompts, int maxNewTokens)
    {
        using var session = OnnxDecoderSession.Open(_dir, new OnnxSessionOptions { PreferCuda = false, IntraOpNumThreads = 1, Log = _ => { } });
        return [.. new Generator(session).Generate(prompts, new GenerationOptions { MaxNewTokens = maxNewTokens }).Select(r => r.TokenIds)];
    }

    [Fact]
    public void OrtGenAiLoadsTheTinyModelFolderAndGeneratesTheSameGreedyTokensAsBioEvalOneByOne()
    {
        using var peer = OrtGenAiEngine.Open(_dir, intraOpThreads: 1);
        foreach (var prompt in Prompts)
        {
            var theirs = peer.GenerateGreedy([prompt], 24)[0];
            Assert.Equal(BioEvalGreedy([prompt], 24)[0], theirs);
            Assert.NotEmpty(theirs);
        }
    }

    [Fact]
    public void OrtGenAiBatchedGreedyTokensEqualBioEvalBatchedGreedyTokens()
    {
        using var peer = OrtGenAiEngine.Open(_dir, intraOpThreads: 1);
        var theirs = peer.GenerateGreedy(Prompts, 24);
        var ours = BioEvalGreedy(Prompts, 24);
        for (var r = 0; r < Prompts.Length; r++)
        {
            Assert.NotEmpty(theirs[r]);
            Assert.Equal(ours[r], theirs[r]);
        }
    }

    [Fact]
    public void OrtGenAiRefusesBatchesOfUnequalPromptLengthsRatherThanCompareDifferentWork()
    {
        using var peer = OrtGenAiEngine.Open(_dir, intraOpThreads: 1);
        var error = Assert.Throws<ArgumentException>(() => peer.GenerateGreedy([Prompts[0], [505, 42]], 4));
        Assert.Contains("equal lengths", error.Message);
    }
}
