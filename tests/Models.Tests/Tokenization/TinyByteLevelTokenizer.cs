using System.Text.Json.Nodes;

namespace BioEval.Models.Tests.Tokenization;

/// <summary>
/// Writes a hand-made byte-level BPE tokenizer in the standard Hugging Face layout, like the embedded tiny
/// model's: letters a-c, space ('Ġ'), '!', four merges, and added tokens &lt;|bos|&gt; 9, &lt;|eos|&gt; 10,
/// &lt;|user|&gt; 11 (special) plus "ca" 12 (not special, single word).
/// </summary>
internal sealed class TinyByteLevelTokenizer : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("bioeval-tiny-tokenizer-").FullName;

    /// <param name="postProcessor">tokenizer.json's post_processor</param>
    /// <param name="configExtra">extra tokenizer_config.json fields, e.g. add_bos_token</param>
    /// <param name="addedTokenOverrides">replaces fields of the &lt;|user|&gt; added token (lstrip, rstrip ...)</param>
    public TinyByteLevelTokenizer(string postProcessor = "null", string configExtra = "", string addedTokenOverrides = "")
    {
        var user = JsonNode.Parse("""{"id": 11, "content": "<|user|>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}""")!.AsObject();
        if (addedTokenOverrides.Length > 0)
            foreach (var (key, value) in JsonNode.Parse(addedTokenOverrides)!.AsObject().ToList())
                user[key] = value?.DeepClone();
        var tokenizer = $$"""
            {
              "version": "1.0",
              "added_tokens": [
                {"id": 9, "content": "<|bos|>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
                {"id": 10, "content": "<|eos|>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
                {{user.ToJsonString()}},
                {"id": 12, "content": "ca", "single_word": true, "lstrip": false, "rstrip": false, "normalized": true, "special": false}
              ],
              "normalizer": null,
              "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},
              "post_processor": {{postProcessor}},
              "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true},
              "model": {
                "type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null,
                "end_of_word_suffix": null, "fuse_unk": false, "byte_fallback": false, "ignore_merges": false,
                "vocab": {"a": 0, "b": 1, "c": 2, "\u0120": 3, "ab": 4, "\u0120a": 5, "abc": 6, "\u0120ab": 7, "!": 8},
                "merges": ["a b", "\u0120 a", "ab c", "\u0120a b"]
              }
            }
            """;
        File.WriteAllText(Path.Combine(Dir, "tokenizer.json"), tokenizer);
        File.WriteAllText(Path.Combine(Dir, "tokenizer_config.json"),
            $$"""{"bos_token": "<|bos|>", "eos_token": {"__type": "AddedToken", "content": "<|eos|>"}{{configExtra}}, "tokenizer_class": "PreTrainedTokenizerFast"}""");
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
