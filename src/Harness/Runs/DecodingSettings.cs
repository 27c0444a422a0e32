using System.Numerics;

namespace BioEval.Harness.Runs;

/// <summary>
/// How models decode. Greedy (temperature 0) is the default because it is reproducible; the reference
/// samples at temperature 1.0 without a seed, which <see cref="Reference"/> approximates with a seed and repeats.
/// </summary>
/// <param name="Temperature">0 for greedy decoding.</param>
/// <param name="TopP">Nucleus sampling mass; null for none.</param>
/// <param name="Seed">Sampling seed, any integer; repeat r uses Seed + r (its low 64 bits, see <see cref="BioEval.Models.SeedValue"/>).</param>
/// <param name="Repeats">How many times each prompt is sampled; scores average over repeats.</param>
public sealed record DecodingSettings(double Temperature = 0, double? TopP = null, BigInteger Seed = default, int Repeats = 1)
{
    public static readonly DecodingSettings Greedy = new();

    /// <summary>The reference's vLLM defaults (temperature 1, top-p 1), seeded so that reruns agree.</summary>
    public static DecodingSettings Reference(long seed = 0, int repeats = 1) => new(1.0, 1.0, seed, repeats);

    public bool IsGreedy => Temperature <= 0;

    public void Validate()
    {
        if (Temperature < 0) throw new ArgumentException($"Temperature must be >= 0, got {Temperature}.");
        if (TopP is <= 0 or > 1) throw new ArgumentException($"Top-p must be in (0, 1], got {TopP}.");
        if (Repeats < 1) throw new ArgumentException($"Repeats must be >= 1, got {Repeats}.");
        if (IsGreedy && Repeats > 1) throw new ArgumentException("Repeats > 1 only make sense with sampling (temperature > 0).");
    }
}
