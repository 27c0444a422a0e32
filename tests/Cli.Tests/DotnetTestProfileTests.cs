using System.Diagnostics;

namespace BioEval.Cli.Tests;

/// <summary>Runs the benchmark theories' assembly of this build with <c>dotnet test</c>, as a user's shell would.</summary>
internal static class Theories
{
    /// <summary>tests/Cli.Tests/bin/&lt;configuration&gt;/&lt;framework&gt; → the theories' assembly of the same build; skips when it is not built.</summary>
    public static string Assembly()
    {
        var here = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var theories = Path.Combine(BioEval.TestSupport.Repository.Root, "tests", "ClinicalTasks.Tests", "bin",
            Path.GetFileName(Path.GetDirectoryName(here)!), Path.GetFileName(here), "BioEval.ClinicalTasks.Tests.dll");
        if (!File.Exists(theories)) Assert.Skip($"{theories} is not built (dotnet test BioEval.sln builds it).");
        return theories;
    }

    /// <summary>Exit code and output of <c>dotnet test THEORIES --settings embedded [ARGS]</c> with <paramref name="environment"/> set.</summary>
    public static async Task<(int Code, string Log)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var root = BioEval.TestSupport.Repository.Root;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        foreach (var a in new[] { "test", Assembly(), "--settings", Path.Combine(root, "runsettings", "embedded.runsettings") }.Concat(args))
            info.ArgumentList.Add(a);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }
}

/// <summary>Under dotnet test, as under bioeval run, a BIOEVAL_* variable of the shell overrides the profile file.</summary>
public sealed class DotnetTestProfileTests
{
    [Fact]
    public async Task AShellVariableOverridesTheProfileFileUnderDotnetTest()
    {
        Theories.Assembly();
        var output = Directory.CreateTempSubdirectory("bioeval-dotnet-test-").FullName;
        // The profile sets BIOEVAL_OUT to artifacts/embedded; the shell's value must win.
        var (code, log) = await Theories.RunAsync(new Dictionary<string, string> { ["BIOEVAL_OUT"] = output }, "--filter", "Task=MedNLI&Pair=lead-2->oracle");

        Assert.True(code == 0, log);
        Assert.Contains("Passed!", log);
        var results = File.ReadAllText(Path.Combine(output, "results.json"));
        Assert.Contains("\"task\": \"MedNLI\"", results);
        Assert.Contains("\"profile\": \"embedded\"", results);
    }
}

/// <summary>The embedded benchmark passes, snapshots included, with one of its models served by <c>bioeval serve</c>.</summary>
public sealed class RemoteEmbeddedProfileTests
{
    [Fact]
    public async Task TheEmbeddedTheoriesPassWithTinyBioServedOverTheOpenAiApi()
    {
        var root = BioEval.TestSupport.Repository.Root;
        Theories.Assembly();
        var dir = Directory.CreateTempSubdirectory("bioeval-remote-embedded-").FullName;
        var folder = Path.Combine(dir, "tiny-bio");
        var (made, _, madeErr) = await CliProcess.RunAsync("make-tiny", "--out", folder, "--seed", "2");
        Assert.True(made == 0, madeErr);

        using var serve = CliProcess.Start("serve", "--model", folder, "--port", "0", "--name", "tiny-bio");
        Assert.True(await serve.WaitForStdoutAsync("(Ctrl+C to stop)", TimeSpan.FromMinutes(1)), serve.Stderr);
        var endpoint = serve.Stdout.Split(" at ", 2)[1].Split(' ')[0];

        // The embedded registry with tiny-bio replaced by the served copy of the same weights.
        var cache = Path.Combine(root, ".cache", "models").Replace('\\', '/');
        var registry = Path.Combine(dir, "models.json");
        File.WriteAllText(registry, $$"""
            { "models": [
                { "name": "majority", "kind": "majority", "options": { "fallback": "The correct answer is A:" } },
                { "name": "lead-2", "kind": "lead", "options": { "sentences": "2" } },
                { "name": "oracle", "kind": "oracle" },
                { "name": "tiny-base", "kind": "tiny", "path": "{{cache}}/tiny-base", "options": { "seed": "1", "max_batch_tokens": "2048" } },
                { "name": "tiny-bio", "kind": "openai", "options": { "endpoint": "{{endpoint}}", "model": "tiny-bio", "tokenizer": "{{folder.Replace('\\', '/')}}" } } ],
              "pairs": [ { "base": "majority", "bio": "oracle" }, { "base": "lead-2", "bio": "oracle" }, { "base": "tiny-base", "bio": "tiny-bio" } ] }
            """);
        var output = Path.Combine(dir, "out");
        var (code, log) = await Theories.RunAsync(new Dictionary<string, string> { ["BIOEVAL_MODELS"] = registry, ["BIOEVAL_OUT"] = output });

        // Every theory passes its snapshot gate: the served model scores exactly what the in-process one did.
        Assert.True(code == 0, log);
        Assert.Contains("Passed!", log);
        Assert.Contains("Failed:     0", log);
        var results = File.ReadAllText(Path.Combine(output, "results.json"));
        Assert.Contains("\"backend\": \"openai-compatible\"", results);
        Assert.Contains("POST /v1/chat/completions 200", serve.Stderr);
        // PubMedQA is scored both ways by default: its likelihood rows went through the server's echo logprobs.
        Assert.Contains("\"scoring\": \"likelihood\"", results);
        Assert.Contains("POST /v1/completions 200", serve.Stderr);
    }
}
