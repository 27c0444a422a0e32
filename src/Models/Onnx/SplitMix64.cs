namespace BioEval.Models.Onnx;

/// <summary>
/// SplitMix64 pseudo-random generator. Self-written so that model weights and seeded samples are
/// identical on every .NET version and platform (System.Random's algorithm is not a contract).
/// </summary>
public sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>Next 64 uniformly distributed bits.</summary>
    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform integer in [0, <paramref name="bound"/>), without bias (Lemire's multiply-and-reject).</summary>
    public int NextBelow(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        var range = (ulong)bound;
        var threshold = (0UL - range) % range;
        while (true)
        {
            var high = Math.BigMul(NextUInt64(), range, out var low);
            if (low >= threshold) return (int)high;
        }
    }

    /// <summary>Uniform double in [0, 1) from the top 53 bits (exact, no rounding bias).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
