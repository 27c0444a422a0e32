using System.Numerics;
using BioEval.Models.Tiny;

namespace BioEval.Models.Tests;

public sealed class SeedValueTests
{
    [Theory]
    [InlineData("1", "1")]
    [InlineData(" -5 ", "-5")]
    [InlineData("+42", "42")]
    [InlineData("12345678901234567890", "12345678901234567890")]
    [InlineData("-1606938044258990275541962092341162602522202993782792835313721", "-1606938044258990275541962092341162602522202993782792835313721")]
    public void AnyDecimalIntegerIsASeed(string text, string expected) =>
        Assert.Equal(BigInteger.Parse(expected), SeedValue.Parse(text, "BIOEVAL_SEED"));

    [Theory]
    [InlineData("")]
    [InlineData("1.5")]
    [InlineData("1e9")]
    [InlineData("0x1F")]
    [InlineData("12 34")]
    [InlineData("--3")]
    public void AnythingElseIsRefusedNamingTheSetting(string text)
    {
        var e = Assert.Throws<FormatException>(() => SeedValue.Parse(text, "BIOEVAL_SEED"));
        Assert.Contains("BIOEVAL_SEED must be an integer", e.Message);
    }

    [Theory]
    [InlineData("0", 0UL)]
    [InlineData("-1", ulong.MaxValue)]
    [InlineData("9223372036854775807", 9223372036854775807UL)]
    [InlineData("18446744073709551616", 0UL)]                 // 2^64
    [InlineData("18446744073709551621", 5UL)]                 // 2^64 + 5
    [InlineData("-18446744073709551617", ulong.MaxValue)]     // -(2^64 + 1)
    public void SixtyFourBitGeneratorsTakeTheLowBitsInTwosComplement(string seed, ulong expected) =>
        Assert.Equal(expected, SeedValue.Low64Bits(BigInteger.Parse(seed)));

    [Fact]
    public void ASeedThatFitsInALongIsPassedOnUnchanged()
    {
        foreach (var s in new long[] { 0, 1, -1, 42, long.MaxValue, long.MinValue })
            Assert.Equal(s, SeedValue.AsInt64(s));
    }

    [Fact]
    public void ATinyModelTakesASeedBeyondSixtyFourBitsAndRecordsItWhole()
    {
        var dir = Directory.CreateTempSubdirectory("bioeval-bigseed-").FullName;
        try
        {
            var seed = BigInteger.Pow(2, 64) + 7;
            TinyModelBuilder.Write(dir, seed);
            Assert.Contains("\"bioeval_tiny_seed\": 18446744073709551623", File.ReadAllText(Path.Combine(dir, "config.json")));
            // Its weights are those of the low 64 bits (7).
            Assert.Equal(TinyLlamaWeights.Create(new TinyLlamaConfig(), 7).Embedding, TinyLlamaWeights.Create(new TinyLlamaConfig(), seed).Embedding);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
