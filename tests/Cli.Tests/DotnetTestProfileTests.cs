using System.Diagnostics;

namespace BioEval.Cli.Tests;

/// <summary>Under dotnet test, as under bioeval run, a BIOEVAL_* variable of the shell overrides the profile file.</summary>
public sealed class DotnetTestProfileTests
{
    [Fact]
    public async Task AShellVariableOverridesTheProfileFileUnderDotnetTest()
    {
        var root = BioEval.TestSupport.Repository.Root;
        var here = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        // tests/Cli.Tests/bin/<configuration>/<framework> → the benchmark theories' assembly of the same build.
        var framework = Path.GetFileName(here);
        var configuration = Path.GetFileName(Path.GetDirectoryName(here)!);
        var theories = Path.Combine(root, "tests", "ClinicalTasks.Tests", "bin", configuration, framework, "BioEval.ClinicalTasks.Tests.dll");
        if (!File.Exists(theories)) Assert.Skip($"{theories} is not built (dotnet test BioEval.sln builds it).");
        var output = Directory.CreateTempSubdirectory("bioeval-dotnet-test-").FullName;

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        foreach (var a in new[] { "test", theories, "--settings", Path.Combine(root, "runsettings", "embedded.runsettings"), "--filter", "Task=MedNLI&Pair=lead-2->oracle" })
            info.ArgumentList.Add(a);
        // The profile sets BIOEVAL_OUT to artifacts/embedded; the shell's value must win.
        info.Environment["BIOEVAL_OUT"] = output;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        var log = await stdout + await stderr;

        Assert.True(process.ExitCode == 0, log);
        Assert.Contains("Passed!", log);
        var results = File.ReadAllText(Path.Combine(output, "results.json"));
        Assert.Contains("\"task\": \"MedNLI\"", results);
        Assert.Contains("\"profile\": \"embedded\"", results);
    }
}
