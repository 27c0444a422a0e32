using System.Diagnostics;
using System.Text.Json;

namespace BioEval.CrossCheck.Tests;

/// <summary>
/// Runs tools/reference/generate.mjs: greedy generation by transformers.js (installed by tools/reference/fetch.sh
/// into .cache/reference) on a model folder. Skips the calling test when node or the packages are absent.
/// </summary>
internal static class TransformersJs
{
    /// <summary>One prompt's continuation and the largest first-step logits, as transformers.js reports them.</summary>
    public sealed record Result(int[] Ids, string Finish, int[] FirstIds, float[] FirstValues);

    public static string RepoRoot { get; } = FindRepoRoot();

    public static IReadOnlyList<Result> GenerateGreedy(
        string modelDir, IReadOnlyList<IReadOnlyList<int>> prompts, int maxNewTokens, int topK, IReadOnlyList<int>? eos = null)
    {
        var modules = Path.Combine(RepoRoot, ".cache", "reference", "node_modules");
        foreach (var package in new[] { "@huggingface/transformers", "onnxruntime-node" })
            if (!File.Exists(Path.Combine(modules, package, "package.json")))
                Assert.Skip($"npm package {package} is not installed in .cache/reference; run tools/reference/fetch.sh.");

        var promptsFile = Path.Combine(modelDir, "crosscheck-prompts.json");
        File.WriteAllText(promptsFile, JsonSerializer.Serialize(prompts));
        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        var args = new List<string>
        {
            Path.Combine(RepoRoot, "tools", "reference", "generate.mjs"), modelDir, promptsFile,
            "--max-new-tokens", maxNewTokens.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--top-k", topK.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (eos is not null) args.AddRange(["--eos", string.Join(',', eos)]);
        foreach (var a in args) psi.ArgumentList.Add(a);

        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Skip("node is not installed; the transformers.js cross-check needs it.");
            throw;
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"generate.mjs exited with {process.ExitCode}: {stderr.Result}");
            using var doc = JsonDocument.Parse(stdout);
            return [.. doc.RootElement.GetProperty("results").EnumerateArray().Select(r => new Result(
                Ints(r.GetProperty("ids")),
                r.GetProperty("finish").GetString()!,
                Ints(r.GetProperty("first").GetProperty("ids")),
                [.. r.GetProperty("first").GetProperty("values").EnumerateArray().Select(v => v.GetSingle())]))];
        }
    }

    private static int[] Ints(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt32())];

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BioEval.sln"))) return dir.FullName;
        throw new InvalidOperationException($"BioEval.sln not found above {AppContext.BaseDirectory}.");
    }
}
