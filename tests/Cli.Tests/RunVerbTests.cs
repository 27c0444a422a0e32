namespace BioEval.Cli.Tests;

public sealed class RunVerbTests
{
    [Fact]
    public async Task ATerminationSignalStopsTheRunAndWritesTheResultsCompletedSoFarMarkedIncomplete()
    {
        if (OperatingSystem.IsWindows()) Assert.Skip("POSIX signals only.");
        var output = Directory.CreateTempSubdirectory("bioeval-interrupt-").FullName;
        using var cli = CliProcess.Start("run", "--task", "MedNLI", "--task", "LongHealth", "--out", output);
        // MedNLI is complete for every model once LongHealth has started on the tiny model.
        Assert.True(await cli.WaitForStderrAsync("[LongHealth / tiny-base]", TimeSpan.FromMinutes(2)), cli.Stderr);
        cli.Terminate();
        var code = await cli.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(130, code);
        Assert.Contains("interrupted", cli.Stderr);
        // Nothing complete existed, so nothing is in the folder's own place; the partial run is in incomplete/.
        Assert.False(File.Exists(Path.Combine(output, "results.json")));
        var results = File.ReadAllText(Path.Combine(output, "incomplete", "results.json"));
        Assert.Contains("\"task\": \"MedNLI\"", results);
        Assert.Contains("\"complete\": false", results);
        Assert.Contains("Incomplete run (interrupted)", File.ReadAllText(Path.Combine(output, "incomplete", "report.md")));
        Assert.Contains($"incomplete results: {Path.Combine(output, "incomplete", "results.json")}", cli.Stdout);
        Assert.DoesNotContain($"results: {Path.Combine(output, "results.json")}", cli.Stdout);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(output, "checkpoints")));
    }

    [Fact]
    public async Task AfterAKillTheKernelHasReleasedTheLockAndResumeReusesEveryCheckpointedOutput()
    {
        if (OperatingSystem.IsWindows()) Assert.Skip("POSIX signals only.");
        var output = Directory.CreateTempSubdirectory("bioeval-kill-").FullName;
        using (var cli = CliProcess.Start("run", "--task", "MeQSum", "--limit", "4", "--out", output))
        {
            // The three baselines are complete (and checkpointed) once the first tiny model starts.
            Assert.True(await cli.WaitForStderrAsync("[MeQSum / tiny-base]", TimeSpan.FromMinutes(2)), cli.Stderr);
            cli.KillHard();
            Assert.Equal(137, await cli.WaitAsync(TimeSpan.FromMinutes(1)));
        }
        Assert.False(File.Exists(Path.Combine(output, "results.json")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(output, "checkpoints")));

        var (code, stdout, stderr) = await CliProcess.RunAsync("run", "--task", "MeQSum", "--limit", "4", "--out", output, "--resume");

        Assert.True(code == 0, stderr);
        foreach (var baseline in new[] { "majority", "lead-2", "oracle" })
            Assert.Contains($"[MeQSum / {baseline}] 4/4 prompts, 4 resumed", stderr);
        Assert.Contains($"results: {Path.Combine(output, "results.json")}", stdout);
        Assert.Contains("\"complete\": true", File.ReadAllText(Path.Combine(output, "results.json")));
    }

    [Fact]
    public async Task ARerunThatFailsLeavesTheCompleteRunsFilesUntouched()
    {
        var output = Directory.CreateTempSubdirectory("bioeval-rerun-").FullName;
        var (first, _, firstErr) = await CliProcess.RunAsync("run", "--task", "MedNLI", "--limit", "3", "--out", output);
        Assert.True(first == 0, firstErr);
        string[] files = ["results.json", "predictions.jsonl", "prompts.jsonl", "report.md", "report.html"];
        var before = files.ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(output, f)));

        var broken = Path.Combine(output, "broken.jsonl");
        File.WriteAllText(broken, "{\"sentence1\": \"a\", \"sentence2\": \"b\", \"gold_label\": \"neutral\", \"pairID\": \"1\"}\n{not json\n");
        var (code, stdout, stderr) = await CliProcess.RunWithAsync(new Dictionary<string, string> { ["BIOEVAL_DATA_MEDNLI"] = broken },
            "run", "--task", "MedNLI", "--limit", "3", "--out", output);

        Assert.Equal(2, code);
        Assert.Contains("broken.jsonl", stderr);
        Assert.DoesNotContain("   at ", stderr);
        Assert.All(files, f => Assert.Equal(before[f], File.ReadAllBytes(Path.Combine(output, f))));
        Assert.DoesNotContain($"results: {Path.Combine(output, "results.json")}", stdout);
    }

    [Fact]
    public async Task ASecondRunIntoAFolderInUseExitsAtOnceNamingTheProcessThatHoldsIt()
    {
        if (OperatingSystem.IsWindows()) Assert.Skip("POSIX signals only.");
        var output = Directory.CreateTempSubdirectory("bioeval-lock-").FullName;
        using var first = CliProcess.Start("run", "--task", "LongHealth", "--out", output);
        Assert.True(await first.WaitForStderrAsync("[LongHealth /", TimeSpan.FromMinutes(2)), first.Stderr);

        var (code, _, stderr) = await CliProcess.RunAsync("run", "--task", "MedNLI", "--limit", "2", "--out", output);

        Assert.Equal(2, code);
        Assert.Contains($"is in use by another BioEval run (pid {first.Id} ", stderr);
        first.Terminate();
        Assert.Equal(130, await first.WaitAsync(TimeSpan.FromMinutes(1)));
        var (again, _, againErr) = await CliProcess.RunAsync("run", "--task", "MedNLI", "--limit", "2", "--out", output);
        Assert.True(again == 0, againErr);
    }

    [Fact]
    public async Task ScoringSelectsHowTheMultipleChoiceTasksAreScoredAndEachModeIsJudgedOnItsOwn()
    {
        var output = Directory.CreateTempSubdirectory("bioeval-scoring-").FullName;
        var (code, _, stderr) = await CliProcess.RunAsync("run", "--task", "MedNLI", "--task", "MeQSum", "--limit", "3", "--scoring", "both", "--out", output);
        Assert.True(code == 0, stderr);
        Assert.Contains("[MedNLI (likelihood) / tiny-base]", stderr);
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json")));
        var results = doc.RootElement.GetProperty("results").EnumerateArray().Select(r => (r.GetProperty("task").GetString(), r.GetProperty("scoring").GetString())).Distinct();
        // MeQSum has no options: it is generated whatever --scoring says.
        Assert.Equal([("MedNLI", "generate"), ("MedNLI", "likelihood"), ("MeQSum", "generate")], results);
        var comparisons = doc.RootElement.GetProperty("comparisons").EnumerateArray().Select(c => (c.GetProperty("task").GetString(), c.GetProperty("scoring").GetString())).Distinct();
        Assert.Equal([("MedNLI", "generate"), ("MedNLI", "likelihood"), ("MeQSum", "generate")], comparisons);
        Assert.Contains("## Multiple choice vs clinical generation", File.ReadAllText(Path.Combine(output, "report.md")));
        Assert.Contains("\"scoring\":\"likelihood\",\"likelihood\":{\"choices\":[\"entailment\",\"neutral\",\"contradiction\"]", File.ReadAllText(Path.Combine(output, "predictions.jsonl")));

        var (bad, _, badErr) = await CliProcess.RunAsync("run", "--task", "MedNLI", "--scoring", "likely", "--out", output);
        Assert.Equal(2, bad);
        Assert.Contains("--scoring: must be generate, likelihood or both, got 'likely'", badErr);
    }

    [Fact]
    public async Task AnUnknownOptionIsAUsageErrorWithExitCodeTwo()
    {
        var (code, _, stderr) = await CliProcess.RunAsync("run", "--no-such-option");
        Assert.Equal(2, code);
        Assert.Contains("--no-such-option", stderr);
    }

    [Fact]
    public async Task ShufflePrintsPythonsOrder()
    {
        // Python 3: random.seed(1); l = list(range(10)); random.shuffle(l) -> [6, 8, 9, 7, 5, 3, 0, 4, 1, 2]
        var (code, stdout, _) = await CliProcess.RunAsync("shuffle", "--seed", "1", "--count", "10");
        Assert.Equal(0, code);
        Assert.Equal("[6,8,9,7,5,3,0,4,1,2]", stdout.Trim());
    }

    [Theory]
    // Python 3: random.seed(12345678901234567890); l = list(range(12)); random.shuffle(l); a negative seed acts by |seed|.
    [InlineData("12345678901234567890")]
    [InlineData("-12345678901234567890")]
    public async Task ShuffleTakesSeedsBeyondSixtyFourBitsAndNegativeOnesAsPythonDoes(string seed)
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync("shuffle", "--seed", seed, "--count", "12");
        Assert.True(code == 0, stderr);
        Assert.Equal("[2,0,9,3,6,1,4,10,5,7,11,8]", stdout.Trim());
    }

    [Fact]
    public async Task AShuffleSeedThatIsNotAnIntegerIsAUsageError()
    {
        var (code, _, stderr) = await CliProcess.RunAsync("shuffle", "--seed", "1.5", "--count", "3");
        Assert.Equal(2, code);
        Assert.Contains("must be an integer", stderr);
    }
}

/// <summary><c>bioeval run</c> shows a live progress display on a terminal and plain lines in logs.</summary>
public sealed class RunProgressTests
{
    [Fact]
    public async Task OnATerminalTheProgressIsLiveWithPromptsTokensPerSecondAndTheRemainingTime()
    {
        if (!File.Exists("/usr/bin/script")) Assert.Skip("util-linux 'script' is not installed; it gives the run a terminal.");
        var dir = Directory.CreateTempSubdirectory("bioeval-tty-").FullName;
        var log = Path.Combine(dir, "tty.log");
        // script(1) runs the command on a pseudo-terminal and records what the terminal received.
        var info = new System.Diagnostics.ProcessStartInfo("/usr/bin/script") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-qfec", $"dotnet {CliPath()} run --task MedNLI --limit 3 --out {Path.Combine(dir, "out")}", log }) info.ArgumentList.Add(a);
        info.Environment.Remove("CI");
        info.Environment["TERM"] = "xterm";
        using var process = System.Diagnostics.Process.Start(info)!;
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        Assert.Equal(0, process.ExitCode);
        var screen = File.ReadAllText(log);
        Assert.Contains("\u001b[", screen); // drawn with terminal escapes
        Assert.Contains("━", screen); // the bars
        Assert.Matches(@"MedNLI / tiny-base: 3/3 prompts, [0-9.]+ tok/s", screen);
        Assert.Contains("100%", screen);
        Assert.Contains("results: ", screen);
    }

    [Fact]
    public async Task InALogTheProgressIsPlainLines()
    {
        var (code, _, stderr) = await CliProcess.RunAsync("run", "--task", "MedNLI", "--limit", "3", "--out", Directory.CreateTempSubdirectory("bioeval-log-").FullName);
        Assert.Equal(0, code);
        Assert.Contains("  [MedNLI / tiny-base] 3/3 prompts", stderr);
        Assert.DoesNotContain("\u001b[", stderr);
    }

    private static string CliPath() => CliProcess.CliPath;
}

public sealed class ResumeIdentityTests
{
    private static string Registry(string dir, string name, string cacheFolder, int seed)
    {
        var path = Path.Combine(dir, name + ".json");
        var folder = Path.Combine(BioEval.TestSupport.Repository.Root, ".cache", "models", cacheFolder).Replace("\\", "/");
        File.WriteAllText(path, $$"""
            { "models": [ { "name": "m", "kind": "tiny", "path": "{{folder}}", "options": { "seed": "{{seed}}" } }, { "name": "oracle", "kind": "oracle" } ],
              "pairs": [ { "base": "m", "bio": "oracle" } ] }
            """);
        return path;
    }

    private static List<string> Outputs(string folder) =>
        [.. File.ReadLines(Path.Combine(folder, "predictions.jsonl"))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("model").GetString() == "m")
            .Select(e => e.GetProperty("raw_output").GetString()!)];

    [Fact]
    public async Task ResumingAfterTheRegistryPointsAModelNameAtOtherWeightsAsksTheNewModel()
    {
        var dir = Directory.CreateTempSubdirectory("bioeval-resume-identity-").FullName;
        var before = Registry(dir, "before", "tiny-base", 1);
        var after = Registry(dir, "after", "tiny-bio", 2);
        string[] run = ["run", "--task", "MeQSum", "--limit", "3"];

        var (first, _, firstErr) = await CliProcess.RunWithAsync(new Dictionary<string, string> { ["BIOEVAL_MODELS"] = before }, [.. run, "--out", Path.Combine(dir, "run")]);
        Assert.True(first == 0, firstErr);
        var oldOutputs = Outputs(Path.Combine(dir, "run"));
        var (resumed, _, resumedErr) = await CliProcess.RunWithAsync(new Dictionary<string, string> { ["BIOEVAL_MODELS"] = after }, [.. run, "--out", Path.Combine(dir, "run"), "--resume"]);
        Assert.True(resumed == 0, resumedErr);
        var (fresh, _, freshErr) = await CliProcess.RunWithAsync(new Dictionary<string, string> { ["BIOEVAL_MODELS"] = after }, [.. run, "--out", Path.Combine(dir, "fresh")]);
        Assert.True(fresh == 0, freshErr);

        var newOutputs = Outputs(Path.Combine(dir, "fresh"));
        Assert.NotEqual(oldOutputs, newOutputs); // the two weights answer differently, so reuse would show
        Assert.Equal(newOutputs, Outputs(Path.Combine(dir, "run")));
    }
}

/// <summary>Bad input and configuration exit with 2 before anything runs, with a message and no stack trace.</summary>
public sealed class ExitCodeTests
{
    private static void NoStackTrace(string stderr) => Assert.DoesNotMatch(@"\n\s+at [A-Za-z]", stderr);

    [Fact]
    public async Task ProblemsWithTheInputsAreAllListedBeforeAnythingRunsAndNothingIsWritten()
    {
        var dir = Directory.CreateTempSubdirectory("bioeval-preflight-").FullName;
        var empty = Path.Combine(dir, "empty.jsonl");
        File.WriteAllText(empty, "");
        var registry = Path.Combine(dir, "models.json");
        File.WriteAllText(registry, """
            { "models": [ { "name": "a", "kind": "oracle" }, { "name": "b", "kind": "onnx", "path": "missing" } ],
              "pairs": [ { "base": "a", "bio": "b" } ] }
            """);
        var output = Path.Combine(dir, "out");

        var (code, stdout, stderr) = await CliProcess.RunWithAsync(
            new Dictionary<string, string> { ["BIOEVAL_DATA_MEDNLI"] = empty, ["BIOEVAL_MODELS"] = registry },
            "run", "--task", "MedNLI,MedNLI", "--task", "MeQSum", "--out", output);

        Assert.Equal(2, code);
        Assert.Contains("2 problem(s) found before running; nothing was run or written:", stderr);
        Assert.Contains($"MedNLI: {empty}: the dataset holds no samples.", stderr);
        Assert.Contains($"model folder {Path.Combine(dir, "missing")} does not exist.", stderr);
        Assert.DoesNotContain("[MeQSum /", stderr);
        NoStackTrace(stderr);
        Assert.Equal("", stdout);
        Assert.False(File.Exists(Path.Combine(output, "results.json")));
        Assert.False(Directory.Exists(Path.Combine(output, "incomplete")));
    }

    [Theory]
    [InlineData("BIOEVAL_TEMPERATURE", "nan", "environment variable BIOEVAL_TEMPERATURE: must be a finite number, got 'nan'.")]
    [InlineData("BIOEVAL_LIMT", "3", "environment variable BIOEVAL_LIMT: unknown setting BIOEVAL_LIMT (did you mean BIOEVAL_LIMIT?).")]
    [InlineData("BIOEVAL_DATA_MedNLI", "x.jsonl", "unknown setting BIOEVAL_DATA_MedNLI (did you mean BIOEVAL_DATA_MEDNLI?).")]
    public async Task AMisspeltOrMalformedSettingExitsWithTwoNamingItsSource(string key, string value, string expected)
    {
        var (code, _, stderr) = await CliProcess.RunWithAsync(new Dictionary<string, string> { [key] = value }, "run", "--task", "MedNLI", "--limit", "1",
            "--out", Directory.CreateTempSubdirectory("bioeval-config-").FullName);
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr);
        NoStackTrace(stderr);
    }

    [Fact]
    public async Task EveryVerbReportsBadInputAsAMessageWithExitCodeTwo()
    {
        var dir = Directory.CreateTempSubdirectory("bioeval-verbs-").FullName;
        var file = Path.Combine(dir, "a-file");
        File.WriteAllText(file, "x\n");

        var (tiny, _, tinyErr) = await CliProcess.RunAsync("make-tiny", "--out", file);
        Assert.Equal(2, tiny);
        Assert.Contains($"bioeval make-tiny: The file '{file}' already exists.", tinyErr);
        NoStackTrace(tinyErr);

        var (generate, _, generateErr) = await CliProcess.RunAsync("generate", "--model", file, "--prompt", "hi");
        Assert.Equal(2, generate);
        Assert.Contains($"Model folder {file} is a file; give the model's folder", generateErr);
        NoStackTrace(generateErr);

        var (icd, _, icdErr) = await CliProcess.RunWithAsync(new Dictionary<string, string> { ["BIOEVAL_ICD_CODES"] = file },
            "run", "--task", "MeDiSumCode", "--limit", "1", "--out", Path.Combine(dir, "out"));
        Assert.Equal(2, icd);
        Assert.Contains($"{file}:1: 'x' is not an ICD-10-CM code", icdErr);
        NoStackTrace(icdErr);
    }

    [Fact]
    public async Task AnOutputFolderUnderARegularFileExitsWithTwoAndAMessage()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("bioeval-out-").FullName, "a-file");
        File.WriteAllText(file, "");
        var (code, _, stderr) = await CliProcess.RunAsync("run", "--task", "MedNLI", "--limit", "1", "--out", Path.Combine(file, "run"));
        Assert.Equal(2, code);
        Assert.Contains($"{file} is a file, not a folder.", stderr);
        NoStackTrace(stderr);
    }
}

public sealed class RestrictedConsoleTests
{
    [Fact]
    public async Task TheConsoleOfARunOnARestrictedDatasetHoldsNoneOfItsText()
    {
        var fixture = Path.Combine(BioEval.TestSupport.Repository.Root, "fixtures", "datasets", "MedNLI", "mli_test_v1.jsonl");
        var sentences = File.ReadLines(fixture).Where(l => l.Length > 0)
            .SelectMany(l => new[] { "sentence1", "sentence2" }.Select(k => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty(k).GetString()!))
            .ToList();
        var output = Directory.CreateTempSubdirectory("bioeval-restricted-console-").FullName;
        var (code, stdout, stderr) = await CliProcess.RunAsync("run", "--task", "MedNLI", "--limit", "4", "--out", output);
        Assert.True(code == 0, stderr);
        Assert.All(sentences, s => Assert.DoesNotContain(s, stdout + stderr));
        // The same search finds them where they belong.
        var prompts = File.ReadAllText(Path.Combine(output, "prompts.jsonl"));
        Assert.Contains(sentences, s => prompts.Contains(System.Text.Json.JsonSerializer.Serialize(s)[1..^1], StringComparison.Ordinal));
    }
}

public sealed class GateExitCodeTests
{
    private static string Registry(string dir, string baseModel, string bioModel)
    {
        var path = Path.Combine(dir, "models.json");
        File.WriteAllText(path, $$"""
            { "models": [ { "name": "oracle", "kind": "oracle" }, { "name": "majority", "kind": "majority", "options": { "fallback": "x" } } ],
              "pairs": [ { "base": "{{baseModel}}", "bio": "{{bioModel}}" } ] }
            """);
        return path;
    }

    [Theory]
    [InlineData("oracle", "majority", 3)]   // the biomedical side is significantly worse
    [InlineData("majority", "oracle", 0)]
    public async Task ARunWhoseDeclineGateFailsExitsWithThree(string baseModel, string bioModel, int expected)
    {
        var dir = Directory.CreateTempSubdirectory("bioeval-gate-").FullName;
        var (code, stdout, stderr) = await CliProcess.RunWithAsync(
            new Dictionary<string, string> { ["BIOEVAL_MODELS"] = Registry(dir, baseModel, bioModel), ["BIOEVAL_GATE"] = "decline" },
            "run", "--task", "MedNLI", "--out", Path.Combine(dir, "out"));
        Assert.True(code == expected, stderr);
        Assert.Contains($"results: {Path.Combine(dir, "out", "results.json")}", stdout);
        if (expected == 3) Assert.Contains("the decline gate failed on 1 comparison(s):\n  - majority is significantly worse than oracle on MedNLI accuracy", stderr.Replace("\r", ""));
    }
}

public sealed class RemoteBenchTests
{
    [Fact]
    public async Task TheRemoteBenchSendsEveryRequestAndPrintsItsFigures()
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync("bench", "remote", "--requests", "64", "--concurrency", "8", "--latency-ms", "5");
        Assert.True(code == 0, stderr);
        var last = System.Text.Json.JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement;
        Assert.Equal(64, last.GetProperty("requests").GetInt32());
        Assert.Equal(8, last.GetProperty("concurrency").GetInt32());
        Assert.True(last.GetProperty("ratio").GetDouble() > 0);
    }
}

public sealed class LoglikVerbTests
{
    [Fact]
    public async Task EachLineGetsTheSummedLogProbabilityAndTokenCountOfEveryContinuation()
    {
        var dir = Directory.CreateTempSubdirectory("bioeval-loglik-").FullName;
        var folder = Path.Combine(dir, "tiny");
        Assert.Equal(0, (await CliProcess.RunAsync("make-tiny", "--out", folder, "--seed", "1")).ExitCode);
        var input = Path.Combine(dir, "items.jsonl");
        File.WriteAllText(input, """
            {"id": "q1", "context": "Question: is the patient febrile? Answer:", "continuations": [" yes", " no", " maybe not"]}
            {"id": 2, "context": "The patient", "continuations": [" has", " has a fever"]}
            """);

        var (code, stdout, stderr) = await CliProcess.RunAsync("loglik", "--model", folder, "--input", input);

        Assert.True(code == 0, stderr);
        var lines = stdout.Trim().Split('\n').Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal("q1", lines[0].GetProperty("id").GetString());
        Assert.Equal(2, lines[1].GetProperty("id").GetInt32());
        Assert.Equal(3, lines[0].GetProperty("logprobs").GetArrayLength());
        Assert.All(lines[0].GetProperty("tokens").EnumerateArray(), t => Assert.True(t.GetInt32() > 0));
        Assert.All(lines[0].GetProperty("logprobs").EnumerateArray(), l => Assert.True(l.GetDouble() < 0));
        // A continuation that extends another cannot be more likely: each further token multiplies by a probability.
        var has = lines[1].GetProperty("logprobs")[0].GetDouble();
        var hasAFever = lines[1].GetProperty("logprobs")[1].GetDouble();
        Assert.True(hasAFever < has, $"{hasAFever} vs {has}");
        Assert.True(lines[1].GetProperty("tokens")[1].GetInt32() > lines[1].GetProperty("tokens")[0].GetInt32());

        File.WriteAllText(input, """{"id": "x", "context": "c"}""");
        var (bad, _, badErr) = await CliProcess.RunAsync("loglik", "--model", folder, "--input", input);
        Assert.Equal(2, bad);
        Assert.Contains($"{input}:1: expected", badErr);
    }
}
