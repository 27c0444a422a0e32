using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BioEval.Harness.Statistics;
using BioEval.TestSupport;

namespace BioEval.Harness.Tests.Statistics;

/// <summary>
/// <c>bioeval stats</c> against SciPy and statsmodels (tools/reference/stats_reference.py) on generated cases:
/// exact tests and adjustments equal, Monte Carlo ones within their sampling error.
/// </summary>
public sealed class ScipyParityTests
{
    private const int Resamples = 10_000;

    /// <summary>Generated cases: 0/1 scores for McNemar, scores in [0, 1] for the others, tied p-values for the adjustments.</summary>
    private static List<string> Cases()
    {
        var random = new Random(2026);
        var lines = new List<string>();
        string Line(string id, string test, double[] a, double[] b) =>
            JsonSerializer.Serialize(new { id, test, @base = a, bio = b });
        double[] Bernoulli(int n, double p) => [.. Enumerable.Range(0, n).Select(_ => random.NextDouble() < p ? 1.0 : 0.0)];
        double[] Scores(int n, double shift) => [.. Enumerable.Range(0, n).Select(_ => Math.Round(Math.Clamp(random.NextDouble() * 0.6 + shift, 0, 1), 4))];
        foreach (var n in new[] { 5, 30, 200, 2000 })
            lines.Add(Line($"mcnemar-{n}", "mcnemar", Bernoulli(n, 0.6), Bernoulli(n, 0.5)));
        foreach (var n in new[] { 2, 5, 12, 20, 21, 60, 300 }) // SciPy takes two or more
            lines.Add(Line($"permutation-{n}", "permutation", Scores(n, 0.2), Scores(n, 0.25)));
        foreach (var n in new[] { 10, 50, 400 })
        {
            lines.Add(Line($"bootstrap-{n}", "bootstrap", Scores(n, 0.2), Scores(n, 0.23)));
            lines.Add(Line($"bootstrap01-{n}", "bootstrap", Bernoulli(n, 0.5), Bernoulli(n, 0.6)));
        }
        foreach (var m in new[] { 1, 5, 30 })
        {
            var p = Enumerable.Range(0, m).Select(_ => Math.Round(random.NextDouble() * random.NextDouble(), 3)).ToList();
            if (m > 2) p[1] = p[0]; // a tie
            lines.Add(JsonSerializer.Serialize(new { id = $"adjust-{m}", test = "adjust", p_values = p }));
        }
        return lines;
    }

    [Fact]
    public void EveryTestAgreesWithScipyAndStatsmodels()
    {
        var dir = Directory.CreateTempSubdirectory("bioeval-stats-").FullName;
        try
        {
            var input = Path.Combine(dir, "cases.jsonl");
            File.WriteAllLines(input, Cases());
            var output = new StringWriter();
            Assert.Equal(StatsFile.Ok, StatsFile.Run(input, Resamples, seed: 7, output, new StringWriter()));
            var ours = Parse(output.ToString());
            var reference = Parse(RunReference(input));
            Assert.Equal(reference.Keys.Order(), ours.Keys.Order());

            foreach (var (id, expected) in reference)
            {
                var actual = ours[id];
                if (id.StartsWith("adjust", StringComparison.Ordinal))
                {
                    foreach (var field in new[] { "holm", "bh" })
                        AssertClose(Array(expected, field), Array(actual, field), 1e-12, $"{id} {field}");
                    continue;
                }
                var n = expected.GetProperty("n").GetInt32();
                Assert.Equal(n, actual.GetProperty("n").GetInt32());
                AssertClose([Number(expected, "delta")], [Number(actual, "delta")], 1e-12, $"{id} delta");
                var (p, q) = (Number(expected, "p_value"), Number(actual, "p_value"));
                var exact = id.StartsWith("mcnemar", StringComparison.Ordinal) || (id.StartsWith("permutation", StringComparison.Ordinal) && n <= PairedTests.ExactSignFlipLimit);
                if (exact)
                    AssertClose([p], [q], 1e-9 * Math.Max(p, 1e-300) + 1e-15, $"{id} p (exact)");
                else
                {
                    // Two Monte Carlo estimates: within five standard errors of the one with fewer draws.
                    var error = 5 * Math.Sqrt(Math.Max(p * (1 - p), 1e-4) / Resamples) + 2.0 / Resamples;
                    Assert.True(Math.Abs(p - q) <= error, $"{id} p: SciPy {p}, BioEval {q}, allowed {error:G3}");
                }
                if (id.StartsWith("bootstrap", StringComparison.Ordinal))
                {
                    // Percentile bounds within Monte Carlo error: 5% of the width, plus one step of a mean of 0/1 scores.
                    var width = Number(expected, "ci_high") - Number(expected, "ci_low");
                    var allowed = 0.05 * width + 1.0 / n;
                    foreach (var bound in new[] { "ci_low", "ci_high" })
                        Assert.True(Math.Abs(Number(expected, bound) - Number(actual, bound)) <= allowed,
                            $"{id} {bound}: SciPy {Number(expected, bound)}, BioEval {Number(actual, bound)}, allowed {allowed:G3}");
                }
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string RunReference(string input)
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python)) Assert.Skip("/usr/bin/python3 is not installed; the statistics parity test needs Debian's python3-scipy and python3-statsmodels.");
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(Repository.Root, "tools", "reference", "stats_reference.py"));
        psi.ArgumentList.Add(input);
        psi.ArgumentList.Add(Resamples.ToString(CultureInfo.InvariantCulture));
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 && stderr.Contains("ModuleNotFoundError", StringComparison.Ordinal))
            Assert.Skip($"SciPy or statsmodels is missing: apt-get install python3-scipy python3-statsmodels ({stderr.Trim().Split('\n')[^1]}).");
        Assert.True(process.ExitCode == 0, stderr);
        return stdout.Result;
    }

    private static Dictionary<string, JsonElement> Parse(string lines) =>
        lines.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .ToDictionary(e => e.GetProperty("id").GetString()!);

    private static double Number(JsonElement e, string field) => e.GetProperty(field).GetDouble();

    private static double[] Array(JsonElement e, string field) => [.. e.GetProperty(field).EnumerateArray().Select(v => v.GetDouble())];

    private static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
    }
}
