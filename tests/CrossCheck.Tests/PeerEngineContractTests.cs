using BioEval.PeerEngines;

namespace BioEval.CrossCheck.Tests;

public sealed class PeerEngineContractTests
{
    [Fact]
    public void PeerEnginesExposeGreedyGenerationByTokenIds()
    {
        var method = typeof(IPeerEngine).GetMethod(nameof(IPeerEngine.GenerateGreedy));
        Assert.NotNull(method);
        Assert.Equal(typeof(IReadOnlyList<IReadOnlyList<int>>), method.ReturnType);
    }
}
