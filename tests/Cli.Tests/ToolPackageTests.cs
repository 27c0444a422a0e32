using System.Diagnostics;

namespace BioEval.Cli.Tests;

/// <summary>BioEval installs as a .NET tool and runs its embedded default in any folder, with no checkout around it.</summary>
public sealed class ToolPackageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bioeval-tool-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static async Task<(int Code, string Output)> Run(string file, string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        // The tool must not lean on the checkout through the environment either.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("BIOEVAL_", StringComparison.Ordinal)).ToList()) info.Environment.Remove(key);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    // The sources as they are (committed or not), without build outputs, so packing never touches the checkout's obj/.
    private static void CopySources(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from))
        {
            var name = Path.GetFileName(dir);
            if (name is "bin" or "obj" or ".cache" or "artifacts") continue;
            CopySources(dir, Path.Combine(to, name));
        }
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }

    [Fact]
    public async Task TheToolInstallsFromALocalPackageFolderAndRunsTheEmbeddedDefaultOutsideAnyCheckout()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("The tool package is built for linux-x64 here.");
        var root = BioEval.TestSupport.Repository.Root;
        var sources = Path.Combine(_dir, "src-copy");
        foreach (var part in new[] { "src", "runsettings", "fixtures" }) CopySources(Path.Combine(root, part), Path.Combine(sources, part));
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json" })
            File.Copy(Path.Combine(root, file), Path.Combine(sources, file));

        var packages = Path.Combine(_dir, "packages");
        var (packed, packLog) = await Run("dotnet", sources, "pack", "src/Cli", "-c", "Release", "-r", "linux-x64", "-o", packages, "-v", "q");
        Assert.True(packed == 0, packLog);
        var tools = Path.Combine(_dir, "tools");
        var (installed, installLog) = await Run("dotnet", _dir, "tool", "install", "BioEval.Tool", "--tool-path", tools, "--add-source", packages, "--version", "0.1.0");
        Assert.True(installed == 0, installLog);
        Directory.Delete(sources, recursive: true);

        var work = Directory.CreateDirectory(Path.Combine(_dir, "somewhere", "else")).FullName;
        var (code, output) = await Run(Path.Combine(tools, "bioeval"), work, "run", "--limit", "2");

        Assert.True(code == 0, output);
        var results = Path.Combine(work, "artifacts", "embedded", "results.json");
        Assert.Contains($"results: {results}", output);
        var json = File.ReadAllText(results);
        foreach (var task in new[] { "MedNLI", "MeQSum", "ProblemSummary", "LongHealth", "MeDiSumQA", "MeDiSumCode", "NER" })
            Assert.Contains($"\"task\": \"{task}\"", json);
        Assert.Contains("\"model\": \"tiny-bio\"", json);
        Assert.True(File.Exists(Path.Combine(work, "artifacts", "embedded", "report.html")));
    }
}
