using BioEval.PeerEngines;

namespace BioEval.CrossCheck.Tests;

public sealed class GreedyThroughputTests
{
    private sealed class CountingEngine : IPeerEngine
    {
        public int Calls { get; private set; }
        public string Name => "counting";

        public IReadOnlyList<IReadOnlyList<int>> GenerateGreedy(IReadOnlyList<IReadOnlyList<int>> prompts, int maxNewTokens)
        {
            Calls++;
            // The second prompt stops early, as a stop token would make it.
            return [.. prompts.Select((p, i) => (IReadOnlyList<int>)[.. Enumerable.Repeat(p[0], i == 1 ? maxNewTokens / 2 : maxNewTokens)])];
        }

        public void Dispose() { }
    }

    [Fact]
    public void OnlyTokensActuallyReturnedByTheTimedPassesAreCounted()
    {
        var engine = new CountingEngine();
        var result = GreedyThroughput.Measure(engine, [[1], [2], [3]], maxNewTokens: 10, repeats: 4);

        Assert.Equal(5, engine.Calls); // one warm-up pass is not counted
        Assert.Equal(4 * (10 + 5 + 10), result.GeneratedTokens);
        Assert.True(result.Seconds >= 0);
    }

    [Fact]
    public void AtLeastOneTimedPassIsRequired() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => GreedyThroughput.Measure(new CountingEngine(), [[1]], 4, repeats: 0));
}
