using System.Numerics;

namespace BioEval.Harness.Protocol;

/// <summary>
/// Options of the evaluation protocol. Defaults reproduce the reference; each deviation is opt-in.
/// </summary>
/// <param name="LongHealthTask1Budget">Token budget of LongHealth task 1 prompts, minus the system prompt's tokens.</param>
/// <param name="StripTrailingSemicolon">Problem list targets: actually strip a trailing ';' (the reference tries and fails).</param>
/// <param name="ReferenceAveraging">MedNLI and MeDiSumCode: average as the reference does, counting the first
/// evaluated sample twice (its results helper appends the first value twice); false gives the plain mean.</param>
/// <param name="LongHealthReserve">Tokens kept free in every LongHealth prompt for the chat template and the answer (the reference keeps none).</param>
/// <param name="NerFewShot">NER few-shot examples drawn from the train split (0 = zero-shot).</param>
public sealed record ProtocolOptions(
    int LongHealthTask1Budget = 8140,
    bool StripTrailingSemicolon = false,
    bool ReferenceAveraging = true,
    int NerFewShot = 3,
    int LongHealthReserve = 0)
{
    public static readonly ProtocolOptions Default = new();

    /// <summary>Seed of the sample shuffle (the reference uses 1): any integer, as Python's random.seed takes.</summary>
    public BigInteger ShuffleSeed { get; init; } = BigInteger.One;

    /// <summary>Seed for LongHealth's document order and distractor draws (unseeded in the reference): any integer.</summary>
    public BigInteger DocumentSeed { get; init; } = BigInteger.One;
}
