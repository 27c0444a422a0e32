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
        var cases = lengths.SelectMany(n => new[] { (1, n), (7, n) }).ToList();
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(JsonSerializer.Serialize(cases.Select(c => new[] { c.Item1, c.Item2 })));
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
