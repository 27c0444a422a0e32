namespace BioEval.PeerEngines;

/// <summary>
/// Greedy token generation by an engine other than BioEval's own, on a model folder BioEval can also run.
/// Used by the cross-check tests (same tokens?) and by <c>bioeval bench engine</c> (how fast, by ratio).
/// </summary>
public interface IPeerEngine : IDisposable
{
    /// <summary>Short name used in output ("ortgenai", "llamacpp").</summary>
    string Name { get; }

    /// <summary>Greedy continuations of <paramref name="prompts"/> (token ids in, generated token ids out).</summary>
    IReadOnlyList<IReadOnlyList<int>> GenerateGreedy(IReadOnlyList<IReadOnlyList<int>> prompts, int maxNewTokens);
}
