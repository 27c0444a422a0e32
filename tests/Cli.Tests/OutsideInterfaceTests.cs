using System.Text.Json;

namespace BioEval.Cli.Tests;

/// <summary>Verbs and output fields that the issues spell out, checked the way an outside script reads them.</summary>
public sealed class OutsideInterfaceTests
{
    private static string WriteLines(params string[] lines)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("bioeval-cli-").FullName, "input.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    private static string[] Keys(string jsonLine) => [.. JsonDocument.Parse(jsonLine).RootElement.EnumerateObject().Select(p => p.Name)];

    [Theory]
    [InlineData("rouge", "\"the cat sat\"", "\"the cat sat on the mat\"", new[] { "id", "rouge1", "rouge2", "rougeL" })]
    [InlineData("mednli", "\"Entailment.\"", "\"entailment\"", new[] { "id", "accuracy" })]
    [InlineData("icd", "\"ICD-10 Codes: I10, E11.9\"", "[\"I10\", \"E119\"]", new[] { "id", "exact_p", "exact_r", "exact_f1", "approx_p", "approx_r", "approx_f1" })]
    [InlineData("ner", "\"- Gout\\nasthma\"", "[\"gout\", \"COPD\"]", new[] { "id", "ner_p", "ner_r", "ner_f1" })]
    [InlineData("bertscore", "\"Chest pain on exertion.\"", "\"Exertional chest pain.\"", new[] { "id", "bertscore_p", "bertscore_r", "bertscore_f1" })]
    public async Task ScorePrintsOneLinePerInputWithTheIssuesFields(string metric, string prediction, string reference, string[] fields)
    {
        var input = WriteLines($"{{\"id\":\"a\",\"prediction\":{prediction},\"reference\":{reference}}}", $"{{\"id\":\"b\",\"prediction\":{prediction},\"reference\":{reference}}}");
        var (code, stdout, stderr) = await CliProcess.RunAsync("score", "--metric", metric, "--input", input);
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.Equal(fields, Keys(l)));
    }

    [Fact]
    public async Task StatsPrintsTheIssuesFieldsWithHandWorkedValues()
    {
        var input = WriteLines(
            """{"id": "m", "test": "mcnemar", "base": [1, 0, 0, 0, 0], "bio": [0, 1, 1, 1, 1]}""",
            """{"id": 2, "test": "permutation", "base": [0, 0, 0], "bio": [1, 2, 3]}""",
            """{"id": "b", "test": "bootstrap", "base": [0, 0], "bio": [0.5, 0.5]}""",
            """{"id": "a", "test": "adjust", "p_values": [0.01, 0.04, 0.03]}""");
        var (code, stdout, stderr) = await CliProcess.RunAsync("stats", "--input", input, "--resamples", "999", "--seed", "4");
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(4, lines.Length);
        string[] fields = ["id", "test", "n", "delta", "ci_low", "ci_high", "p_value"];
        Assert.All(lines[..3], l => Assert.Equal(fields, l.EnumerateObject().Select(p => p.Name)));
        // McNemar: b = 1, c = 4, p = 2·6/32. Sign flips of 1, 2, 3: two of eight reach |6|. Constant differences:
        // a point interval and the smallest bootstrap p, 1/1000.
        Assert.Equal(0.375, lines[0].GetProperty("p_value").GetDouble(), 12);
        Assert.Equal(0.6, lines[0].GetProperty("delta").GetDouble(), 12);
        Assert.Equal(2, lines[1].GetProperty("id").GetInt32());
        Assert.Equal(0.25, lines[1].GetProperty("p_value").GetDouble(), 12);
        Assert.Equal((0.5, 0.5, 0.001), (lines[2].GetProperty("ci_low").GetDouble(), lines[2].GetProperty("ci_high").GetDouble(), lines[2].GetProperty("p_value").GetDouble()));
        Assert.Equal(["id", "holm", "bh"], lines[3].EnumerateObject().Select(p => p.Name));
        Assert.Equal([0.03, 0.06, 0.06], lines[3].GetProperty("holm").EnumerateArray().Select(v => Math.Round(v.GetDouble(), 12)));
        Assert.Equal([0.03, 0.04, 0.04], lines[3].GetProperty("bh").EnumerateArray().Select(v => Math.Round(v.GetDouble(), 12)));
    }

    [Theory]
    [InlineData("""{"id": "x", "test": "mcnemar", "base": [1], "bio": [0.5]}""", "0/1 scores")]
    [InlineData("""{"id": "x", "test": "permutation", "base": [1, 2], "bio": [1]}""", "equal lengths")]
    [InlineData("""{"id": "x", "test": "ttest", "base": [1], "bio": [1]}""", "\"test\" must be one of")]
    [InlineData("""{"id": "x", "test": "adjust", "p_values": [0.5, 2]}""", "[0, 1]")]
    [InlineData("not json", "not valid JSON")]
    public async Task StatsNamesTheBadLineAndExitsWithTwo(string bad, string expected)
    {
        var input = WriteLines("""{"id": "ok", "test": "bootstrap", "base": [0, 1], "bio": [1, 1]}""", bad);
        var (code, stdout, stderr) = await CliProcess.RunAsync("stats", "--input", input);
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains($"{input}:2", stderr);
        Assert.Contains(expected, stderr);
    }

    [Fact]
    public async Task BenchStatsEndsWithOneJsonObjectOfItsFigures()
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync("bench", "stats", "--samples", "30", "--resamples", "20", "--threads", "1");
        Assert.True(code == 0, stderr);
        var last = JsonDocument.Parse(stdout.TrimEnd().Split('\n').Last()).RootElement;
        Assert.Equal(["comparisons", "samples_per_task", "resamples", "threads", "seconds"], last.EnumerateObject().Select(p => p.Name));
        Assert.Equal(276, last.GetProperty("comparisons").GetInt32());
        Assert.True(last.GetProperty("seconds").GetDouble() > 0);
    }

    [Fact]
    public async Task ScoreNamesTheBadLineAndExitsWithTwo()
    {
        var input = WriteLines("{\"id\":\"a\",\"prediction\":\"x\",\"reference\":\"y\"}", "{\"id\":\"b\",\"prediction\":\"x\"}");
        var (code, _, stderr) = await CliProcess.RunAsync("score", "--metric", "rouge", "--input", input);
        Assert.Equal(2, code);
        Assert.Contains(":2:", stderr);
    }

    [Theory]
    [InlineData("--layer", "7", "Layer 7 is out of range")]
    [InlineData("--model", "/no/such/encoder", "Model folder /no/such/encoder does not exist")]
    public async Task ScoreBertScoreRefusesAnEncoderItCannotUseWithExitCodeTwo(string option, string value, string expected)
    {
        var input = WriteLines("""{"id":"a","prediction":"x","reference":"y"}""");
        var (code, stdout, stderr) = await CliProcess.RunAsync("score", "--metric", "bertscore", "--input", input, option, value);
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains(expected, stderr);
    }

    [Fact]
    public async Task ScoreRefusesEncoderOptionsForAnotherMetric()
    {
        var input = WriteLines("""{"id":"a","prediction":"x","reference":"y"}""");
        var (code, _, stderr) = await CliProcess.RunAsync("score", "--metric", "rouge", "--input", input, "--layer", "6");
        Assert.Equal(2, code);
        Assert.Contains("go with --metric bertscore", stderr);
    }

    [Fact]
    public async Task BenchBertScoreEndsWithOneJsonObjectOfItsFigures()
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync("bench", "bertscore", "--pairs", "4", "--rounds", "1", "--threads", "1");
        Assert.True(code == 0, stderr);
        var last = JsonDocument.Parse(stdout.TrimEnd().Split('\n').Last()).RootElement;
        Assert.Equal(["pairs", "threads", "rounds", "bioeval_pairs_s", "node_pairs_s", "ratio", "cpu_ratio", "max_f1_difference"], last.EnumerateObject().Select(p => p.Name));
        Assert.Equal(4, last.GetProperty("pairs").GetInt32());
        Assert.True(last.GetProperty("bioeval_pairs_s").GetDouble() > 0);
    }

    [Fact]
    public async Task BenchEngineQuickEndsWithOneJsonObjectHoldingTheIssuesKeys()
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync("bench", "engine", "--quick");
        Assert.True(code == 0, stderr);
        var last = (stdout + stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith('{'));
        var keys = Keys(last);
        string[] required = ["bioeval_tok_s_b1", "ortgenai_tok_s_b1", "bioeval_tok_s_b8", "ortgenai_tok_s_b8", "ratio_b1", "ratio_b8", "batch_speedup"];
        Assert.All(required, k => Assert.Contains(k, keys));
        Assert.Equal(last, stdout.TrimEnd().Split('\n').Last());
    }
}

/// <summary>The engine verbs on a tiny model folder written by <c>make-tiny</c>.</summary>
public sealed class EngineVerbTests : IAsyncLifetime
{
    private readonly string _model = Path.Combine(Directory.CreateTempSubdirectory("bioeval-tiny-").FullName, "tiny");

    public async ValueTask InitializeAsync()
    {
        var (code, _, stderr) = await CliProcess.RunAsync("make-tiny", "--out", _model, "--seed", "3");
        Assert.True(code == 0, stderr);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task TokenizePrintsOneIdsObjectPerInputLine()
    {
        var input = Path.Combine(Path.GetDirectoryName(_model)!, "lines.txt");
        File.WriteAllLines(input, ["Chest pain since 2 days.", "", "  spaced  out  "]);
        var (code, stdout, stderr) = await CliProcess.RunAsync("tokenize", "--tokenizer", _model, "--input", input);
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(l).RootElement.GetProperty("ids").ValueKind));
        Assert.Equal(0, JsonDocument.Parse(lines[1]).RootElement.GetProperty("ids").GetArrayLength());
    }

    [Fact]
    public async Task ATokenizerWithAComponentTypeNotImplementedIsRefusedNamingTheFileAndTheType()
    {
        var dir = Path.Combine(Path.GetDirectoryName(_model)!, "precompiled-normalizer");
        Directory.CreateDirectory(dir);
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(_model, "tokenizer.json")))!;
        json["normalizer"] = System.Text.Json.Nodes.JsonNode.Parse("""{"type": "Precompiled", "precompiled_charsmap": "AAAA"}""");
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), json.ToJsonString());
        var input = Path.Combine(dir, "lines.txt");
        File.WriteAllLines(input, ["x"]);
        var (code, stdout, stderr) = await CliProcess.RunAsync("tokenize", "--tokenizer", dir, "--input", input);
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains(Path.Combine(dir, "tokenizer.json"), stderr);
        Assert.Contains("normalizer type 'Precompiled' is not supported", stderr);
    }

    [Fact]
    public async Task RenderPrintsOneTextObjectPerConversationWithTheGenerationPrompt()
    {
        var messages = Path.Combine(Path.GetDirectoryName(_model)!, "chats.json");
        File.WriteAllText(messages, """[[{"role":"user","content":"Hello"}],[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]]""");
        var (code, stdout, stderr) = await CliProcess.RunAsync("render", "--tokenizer", _model, "--messages", messages);
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains("Hello", JsonDocument.Parse(lines[0]).RootElement.GetProperty("text").GetString());
        Assert.Contains("Be brief.", JsonDocument.Parse(lines[1]).RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task GenerateWritesTheContinuationAndItsFigures()
    {
        var (code, _, stderr) = await CliProcess.RunAsync("generate", "--model", _model, "--prompt", "Summarise: cough for two days.", "--max-new-tokens", "8");
        Assert.True(code == 0, stderr);
        Assert.Matches(@"\d+ prompt tokens, [1-8] generated \((Length|Stop)\), [0-9.]+ tok/s, execution provider (CPU|CUDA)", stderr);
    }

    [Fact]
    public async Task ExportGgufWritesAGgufVersionThreeFile()
    {
        var gguf = Path.Combine(Path.GetDirectoryName(_model)!, "tiny.gguf");
        var (code, stdout, stderr) = await CliProcess.RunAsync("export-gguf", "--model", _model, "--out", gguf);
        Assert.True(code == 0, stderr);
        Assert.Contains("tiny.gguf", stdout);
        var header = File.ReadAllBytes(gguf)[..8];
        Assert.Equal("GGUF"u8.ToArray(), header[..4]);
        Assert.Equal(3u, BitConverter.ToUInt32(header, 4));
    }

    [Fact]
    public async Task GenerateOnAMissingFolderIsAnInputErrorWithExitCodeTwo()
    {
        var (code, _, stderr) = await CliProcess.RunAsync("generate", "--model", _model + "-missing", "--prompt", "x");
        Assert.Equal(2, code);
        Assert.Contains("does not exist", stderr);
    }
}

/// <summary><c>bioeval report --merge</c> on real shards of an embedded run, as a CI matrix would produce them.</summary>
public sealed class ReportMergeTests
{
    [Fact]
    public async Task ShardsOfOneRunMergeAndOthersAreRefusedNamingTheDifference()
    {
        var root = Directory.CreateTempSubdirectory("bioeval-merge-cli-").FullName;
        string Dir(string name) => Path.Combine(root, name);
        foreach (var (task, dir) in new[] { ("MedNLI", "mednli"), ("NER", "ner") })
        {
            var (runCode, _, runErr) = await CliProcess.RunAsync("run", "--task", task, "--limit", "4", "--out", Dir(dir));
            Assert.True(runCode == 0, runErr);
        }

        var (code, stdout, stderr) = await CliProcess.RunAsync("report", "--merge", Dir("mednli"), Dir("ner"), "--out", Dir("merged"));
        Assert.True(code == 0, stderr);
        Assert.Contains($"report: {Path.Combine(Dir("merged"), "report.html")}", stdout);
        using var merged = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir("merged"), "results.json")));
        var comparisons = merged.RootElement.GetProperty("comparisons").EnumerateArray().ToList();
        Assert.Equal(["MedNLI", "NER"], comparisons.Select(c => c.GetProperty("task").GetString()).Distinct());
        Assert.All(comparisons, c => Assert.Equal("holm", c.GetProperty("adjustment").GetString()));
        Assert.All(comparisons, c => Assert.Equal(["verdict", "ci_low", "ci_high", "p_value"],
            new[] { "verdict", "ci_low", "ci_high", "p_value" }.Where(k => c.TryGetProperty(k, out _))));

        // A shard with another sample limit is not a piece of the same run.
        var (otherCode, _, _) = await CliProcess.RunAsync("run", "--task", "MeQSum", "--limit", "3", "--out", Dir("other"));
        Assert.Equal(0, otherCode);
        var (refused, _, message) = await CliProcess.RunAsync("report", "--merge", Dir("mednli"), Dir("other"), "--out", Dir("refused"));
        Assert.Equal(2, refused);
        Assert.Contains("sample limit differs (4 vs 3)", message);
        Assert.False(Directory.Exists(Dir("refused")));
    }
}
