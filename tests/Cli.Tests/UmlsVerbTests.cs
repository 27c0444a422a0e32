using System.Text.Json;
using BioEval.TestSupport;

namespace BioEval.Cli.Tests;

/// <summary>The UMLS concept F1 through the command line: the score verb's options and the bench's figures.</summary>
public sealed class UmlsVerbTests : IDisposable
{
    private static readonly string Lexicon = Path.Combine(Repository.Root, "fixtures", "umls", "MRCONSO.RRF");
    private readonly string _dir = Directory.CreateTempSubdirectory("bioeval-cli-umls-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ScoreUmlsBuildsTheIndexOnceAndPrintsConceptPrecisionRecallF1()
    {
        var input = Path.Combine(_dir, "in.jsonl");
        // With MSH and NCI only, "Hypertensive disease" (SNOMEDCT_US) is no alias: {Hypertension} against {}: all 0.
        File.WriteAllLines(input,
        [
            """{"id":"a","prediction":"HTN, heart attack","reference":"Hypertension and MI"}""",
            """{"id":"b","prediction":"hypertension","reference":"hypertensive disease"}""",
        ]);
        string[] args = ["score", "--metric", "umls", "--input", input, "--lexicon", Lexicon, "--sources", "MSH, NCI", "--lexicon-cache", Path.Combine(_dir, "cache")];

        var first = await CliProcess.RunAsync(args);
        var second = await CliProcess.RunAsync(args);

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Equal(
            ["""{"id":"a","umls_p":1,"umls_r":1,"umls_f1":1}""", """{"id":"b","umls_p":0,"umls_r":0,"umls_f1":0}"""],
            first.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("built the UMLS index", first.Stderr);
        Assert.Equal((0, first.Stdout, ""), (second.ExitCode, second.Stdout, second.Stderr));
        Assert.Single(Directory.GetFiles(Path.Combine(_dir, "cache"), "*.umlsidx"));
    }

    [Fact]
    public async Task BenchUmlsEndsWithOneJsonObjectOfItsFigures()
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync("bench", "umls", "--rows", "20000");

        Assert.True(code == 0, stderr);
        var last = JsonDocument.Parse(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;
        Assert.Equal(20_000, last.GetProperty("rows").GetInt64());
        foreach (var key in new[] { "read_seconds", "parse_seconds", "build_seconds", "build_peak_bytes", "index_file_bytes", "reload_seconds", "match_seconds" })
            Assert.True(last.GetProperty(key).GetDouble() > 0, key);
        Assert.InRange(last.GetProperty("concepts").GetInt32(), 4_000, 7_000);
    }
}
