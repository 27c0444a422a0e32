using System.Text.Json.Nodes;

namespace BioEval.Models.Tests.Tokenization;

/// <summary>
/// Hugging Face's own <c>tokenizers</c> library (Rust, 0.22.2), run through the Tokenizers.DotNet binding: the code
/// transformers runs, so the reference of record for the parity tests. The JavaScript port (<see cref="ReferenceTokenizers"/>)
/// stays as a second reference for what transformers adds around it (tokenizer_config.json's add_bos_token), but it
/// differs from Rust where JavaScript's regex differs: its <c>\s</c> also matches U+FEFF.
/// </summary>
internal static class RustTokenizers
{
    /// <summary>
    /// The ids of each text, as <c>Tokenizer.from_file(path).encode(text, add_special_tokens)</c>. The binding always adds
    /// special tokens, so without them the file is run with its post-processor removed. Skips the calling test when the
    /// native library cannot be loaded on this machine (it ships for linux-x64).
    /// </summary>
    public static List<int[]> Encode(string tokenizerJson, IReadOnlyList<string> texts, bool addSpecialTokens)
    {
        using var file = addSpecialTokens ? null : new Altered(tokenizerJson, json => json["post_processor"] = null);
        using var tokenizer = Load(file?.Path ?? tokenizerJson);
        return [.. texts.Select(t => tokenizer.Encode(t).Select(id => (int)id).ToArray())];
    }

    /// <summary>Text of each id sequence, as the binding decodes it (special tokens skipped).</summary>
    public static List<string> Decode(string tokenizerJson, IEnumerable<IReadOnlyList<int>> ids)
    {
        using var tokenizer = Load(tokenizerJson);
        return [.. ids.Select(s => tokenizer.Decode([.. s.Select(i => (uint)i)]))];
    }

    private static Tokenizers.DotNet.Tokenizer Load(string path)
    {
        try
        {
            return new Tokenizers.DotNet.Tokenizer(vocabPath: path);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException or TypeInitializationException)
        {
            Assert.Skip($"Hugging Face's Rust tokenizers (Tokenizers.DotNet) cannot load on this machine: {e.Message}");
            throw;
        }
    }

    /// <summary>A temporary copy of a tokenizer.json with some fields changed.</summary>
    public sealed class Altered : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("bioeval-rust-tokenizer-").FullName;

        public Altered(string tokenizerJson, Action<JsonObject> change)
        {
            var json = JsonNode.Parse(File.ReadAllText(tokenizerJson))!.AsObject();
            change(json);
            Path = System.IO.Path.Combine(_dir, "tokenizer.json");
            File.WriteAllText(Path, json.ToJsonString());
        }

        public string Path { get; }

        /// <summary>The folder holding the altered tokenizer.json (and nothing else).</summary>
        public string Dir => _dir;

        public void Dispose() => Directory.Delete(_dir, recursive: true);
    }
}
