using System.Diagnostics;
using System.Numerics;
using System.Text.Json;
using BioEval.Harness.Protocol;

namespace BioEval.Harness.Tests.Protocol;

public sealed class PythonRandomTests
{
    // Orders printed by CPython 3.11: random.seed(seed); x = list(range(n)); random.shuffle(x); print(x)
    [Theory]
    [InlineData(1, 10, new[] { 6, 8, 9, 7, 5, 3, 0, 4, 1, 2 })]
    [InlineData(1, 1, new[] { 0 })]
    [InlineData(1, 0, new int[0])]
    [InlineData(0, 7, new[] { 4, 2, 1, 0, 5, 3, 6 })]
    [InlineData(42, 20, new[] { 19, 5, 14, 4, 9, 13, 15, 18, 6, 12, 17, 10, 1, 11, 2, 16, 7, 8, 0, 3 })]
    [InlineData(123456789012, 13, new[] { 11, 9, 8, 5, 3, 7, 1, 12, 2, 4, 0, 10, 6 })]
    [InlineData(-5, 9, new[] { 2, 3, 1, 0, 8, 7, 6, 5, 4 })]
    public void ShuffleGivesPythonsOrder(long seed, int count, int[] expected) =>
        Assert.Equal(expected, PythonRandom.ShuffledIndices(seed, count));

    // Seeds beyond 64 bits and negative ones, as CPython 3.11 orders them (|seed| split into 32-bit words):
    // random.seed(int(seed)); x = list(range(n)); random.shuffle(x); print(x)
    [Theory]
    [InlineData("12345678901234567890", 12, new[] { 2, 0, 9, 3, 6, 1, 4, 10, 5, 7, 11, 8 })]
    [InlineData("-12345678901234567890", 12, new[] { 2, 0, 9, 3, 6, 1, 4, 10, 5, 7, 11, 8 })]
    [InlineData("18446744073709551616", 10, new[] { 3, 2, 9, 0, 6, 8, 4, 7, 1, 5 })]          // 2^64
    [InlineData("18446744073709551617", 10, new[] { 2, 8, 9, 3, 0, 5, 7, 4, 6, 1 })]          // 2^64 + 1
    [InlineData("-18446744073709551617", 10, new[] { 2, 8, 9, 3, 0, 5, 7, 4, 6, 1 })]
    [InlineData("9223372036854775808", 10, new[] { 5, 7, 9, 2, 0, 4, 1, 3, 6, 8 })]           // 2^63
    [InlineData("4294967296", 9, new[] { 4, 8, 6, 2, 7, 0, 3, 5, 1 })]                        // 2^32: two words
    [InlineData("-79228162514264337593543950336", 8, new[] { 4, 1, 2, 0, 6, 3, 7, 5 })]      // -(2^96)
    [InlineData("1606938044258990275541962092341162602522202993782792835313721", 15,
        new[] { 7, 1, 0, 6, 11, 4, 14, 13, 3, 9, 8, 5, 10, 12, 2 })]                            // 2^200 + 12345
    public void ShuffleGivesPythonsOrderForSeedsOfAnySize(string seed, int count, int[] expected) =>
        Assert.Equal(expected, PythonRandom.ShuffledIndices(BigInteger.Parse(seed, System.Globalization.CultureInfo.InvariantCulture), count));

    [Fact]
    public void ShuffleOfSevenHundredMatchesPythonAtBothEnds()
    {
        var order = PythonRandom.ShuffledIndices(1, 700);
        Assert.Equal([169, 497, 245, 466, 530, 320, 97, 83, 212, 356], order[..10]);
        Assert.Equal([120, 261, 64, 582, 137], order[^5..]);
    }

    [Fact]
    public void RandomAndWideGetRandBitsMatchPython()
    {
        // random.seed(1); random.random(); random.getrandbits(70)
        var r = new PythonRandom(1);
        Assert.Equal(0.13436424411240122, r.NextDouble());
        Assert.Equal(BigInteger.Parse("900242893768093690591"), r.GetRandBits(70));
    }

    [Theory]
    [InlineData(100, 10, new[] { 30, 75, 69, 16, 47, 77, 60, 80, 74, 8 })] // set-based branch
    [InlineData(10, 4, new[] { 3, 8, 2, 7 })]                              // pool-based branch
    public void SampleMatchesPythonInBothStrategies(int population, int k, int[] expected) =>
        // random.seed(3); random.sample(range(population), k)
        Assert.Equal(expected, new PythonRandom(3).Sample(Enumerable.Range(0, population).ToList(), k));

    [Fact]
    public void ShuffleMatchesLocalPythonForManyLengths()
    {
        var python = FindPython();
        if (python is null) Assert.Skip("python3 is not on PATH; the fixed orders above still check the shuffle.");
        var lengths = new[] { 2, 3, 5, 31, 32, 33, 64, 100, 500, 1000, 1422, 4097 };
        var script = "import random,json,sys\nfor s,n in json.loads(sys.argv[1]):\n random.seed(s); x=list(range(n)); random.shuffle(x); print(json.dumps(x))";
        BigInteger[] seeds = [1, 7, -3, BigInteger.Pow(2, 64) + 99, -BigInteger.Pow(3, 50)];
        var cases = lengths.SelectMany(n => seeds.Select(s => (s, n))).ToList();
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        // JSON numbers of any size: Python's json reads them as exact ints.
        psi.ArgumentList.Add("[" + string.Join(",", cases.Select(c => $"[{c.Item1},{c.Item2}]")) + "]");
        using var p = Process.Start(psi)!;
        var lines = p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        p.WaitForExit();
        Assert.Equal(cases.Count, lines.Length);
        for (var i = 0; i < cases.Count; i++)
            Assert.Equal(JsonSerializer.Deserialize<int[]>(lines[i]), PythonRandom.ShuffledIndices(cases[i].Item1, cases[i].Item2));
    }

    private static string? FindPython() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(d => Path.Combine(d, "python3"))
            .FirstOrDefault(File.Exists);
}
