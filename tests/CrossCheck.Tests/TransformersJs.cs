using System.Text.Json;
using BioEval.TestSupport;

namespace BioEval.CrossCheck.Tests;

/// <summary>
/// Runs tools/reference/generate.mjs: greedy generation by transformers.js (installed by tools/reference/fetch.sh
/// into .cache/reference) on a model folder. Skips the calling test when node or the packages are absent.
/// </summary>
internal static class TransformersJs
{
    /// <summary>One prompt's continuation and the largest first-step logits, as transformers.js reports them.</summary>
    public sealed record Result(int[] Ids, string Finish, int[] FirstIds, float[] FirstValues);

    public static IReadOnlyList<Result> GenerateGreedy(
        string modelDir, IReadOnlyList<IReadOnlyList<int>> prompts, int maxNewTokens, int topK, IReadOnlyList<int>? eos = null)
    {
        foreach (var package in new[] { "@huggingface/transformers", "onnxruntime-node" })
            if (!File.Exists(Path.Combine(Repository.ReferenceModules, package, "package.json")))
                Assert.Skip($"npm package {package} is not installed in .cache/reference; run tools/reference/fetch.sh.");

        var promptsFile = Path.Combine(modelDir, "crosscheck-prompts.json");
        File.WriteAllText(promptsFile, JsonSerializer.Serialize(prompts));
        var args = new List<string>
        {
            modelDir, promptsFile,
            "--max-new-tokens", maxNewTokens.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--top-k", topK.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (eos is not null) args.AddRange(["--eos", string.Join(',', eos)]);

        using var doc = JsonDocument.Parse(NodeScript.Run("generate.mjs", args, "the transformers.js cross-check"));
        return [.. doc.RootElement.GetProperty("results").EnumerateArray().Select(r => new Result(
            Ints(r.GetProperty("ids")),
            r.GetProperty("finish").GetString()!,
            Ints(r.GetProperty("first").GetProperty("ids")),
            [.. r.GetProperty("first").GetProperty("values").EnumerateArray().Select(v => v.GetSingle())]))];
    }

    private static int[] Ints(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt32())];
}
