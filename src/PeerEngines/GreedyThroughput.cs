using System.Diagnostics;

namespace BioEval.PeerEngines;

/// <summary>Tokens generated and the wall time they took; <see cref="TokensPerSecond"/> is their ratio.</summary>
public sealed record ThroughputResult(int GeneratedTokens, double Seconds)
{
    public double TokensPerSecond => Seconds > 0 ? GeneratedTokens / Seconds : 0;
}

/// <summary>
/// Measures greedy decoding speed the same way for any engine (a peer, or BioEval's own generator wrapped in a
/// delegate), so a benchmark's "tokens per second" and ratios compare like with like: one untimed warm-up pass, then
/// <c>repeats</c> timed passes over the same prompts, counting the tokens actually returned.
/// </summary>
public static class GreedyThroughput
{
    /// <summary>Greedy generation: prompts and a new-token budget in, generated token ids per prompt out.</summary>
    public delegate IReadOnlyList<IReadOnlyList<int>> GreedyGenerate(IReadOnlyList<IReadOnlyList<int>> prompts, int maxNewTokens);

    public static ThroughputResult Measure(IPeerEngine engine, IReadOnlyList<IReadOnlyList<int>> prompts, int maxNewTokens, int repeats = 3)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return Measure(engine.GenerateGreedy, prompts, maxNewTokens, repeats);
    }

    public static ThroughputResult Measure(GreedyGenerate generate, IReadOnlyList<IReadOnlyList<int>> prompts, int maxNewTokens, int repeats = 3)
    {
        ArgumentNullException.ThrowIfNull(generate);
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        generate(prompts, maxNewTokens);
        var tokens = 0;
        var clock = Stopwatch.StartNew();
        for (var r = 0; r < repeats; r++)
            foreach (var output in generate(prompts, maxNewTokens))
                tokens += output.Count;
        return new ThroughputResult(tokens, clock.Elapsed.TotalSeconds);
    }
}
