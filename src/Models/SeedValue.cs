using System.Globalization;
using System.Numerics;

namespace BioEval.Models;

/// <summary>
/// Seeds are integers of any size, as Python's <c>random.seed</c> takes them: the reference's shuffle accepts
/// 12345678901234567890 or -5, so BioEval must too, wherever a seed is given (command line, variables, registry).
/// Generators of our own that are seeded by 64 bits (the sampler, the tiny weights) take the seed's low 64 bits in
/// two's complement, which is the seed itself for every value of a <see cref="long"/>.
/// </summary>
public static class SeedValue
{
    /// <summary>
    /// Parses a decimal integer of any size with an optional sign; <paramref name="what"/> names the setting in the
    /// error (e.g. "BIOEVAL_SEED").
    /// </summary>
    /// <exception cref="FormatException">the text is not a decimal integer</exception>
    public static BigInteger Parse(string text, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Trim();
        var digits = s.StartsWith('-') || s.StartsWith('+') ? s[1..] : s;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit)
            || !BigInteger.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seed))
            throw new FormatException($"{what} must be an integer (of any size, as Python's random.seed takes), got '{text}'.");
        return seed;
    }

    /// <summary>The low 64 bits of <paramref name="seed"/> in two's complement: the seed itself for any <see cref="long"/>.</summary>
    public static ulong Low64Bits(BigInteger seed) => (ulong)(seed & ulong.MaxValue);

    /// <summary><see cref="Low64Bits"/> as a signed value, for APIs that take a <see cref="long"/> seed.</summary>
    public static long AsInt64(BigInteger seed) => unchecked((long)Low64Bits(seed));
}
