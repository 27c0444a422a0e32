using System.Text.Json;
using BioEval.Models.Tiny;

namespace BioEval.Models.Tests.Tiny;

public sealed class TinyModelBuilderTests
{
    [Fact]
    public void SameSeedWritesByteIdenticalFiles()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        var first = TinyModelBuilder.Write(a.Path, 3);
        TinyModelBuilder.Write(b.Path, 3);
        foreach (var file in first.Select(Path.GetFileName))
            Assert.Equal(File.ReadAllBytes(Path.Combine(a.Path, file!)), File.ReadAllBytes(Path.Combine(b.Path, file!)));
    }

    [Fact]
    public void DifferentSeedsGiveDifferentWeightsButTheSameTokenizer()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        TinyModelBuilder.WriteEmbedded(a.Path, "tiny-base");
        TinyModelBuilder.WriteEmbedded(b.Path, "tiny-bio");
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(a.Path, "model.onnx")), File.ReadAllBytes(Path.Combine(b.Path, "model.onnx")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(a.Path, "tokenizer.json")), File.ReadAllBytes(Path.Combine(b.Path, "tokenizer.json")));
        var config = new TinyLlamaConfig();
        Assert.NotEqual(TinyLlamaWeights.Create(config, 1).Embedding, TinyLlamaWeights.Create(config, 2).Embedding);
    }

    [Fact]
    public void WritesEveryFileOfAHuggingFaceModelFolder()
    {
        using var dir = new TempDir();
        var written = TinyModelBuilder.Write(dir.Path, 1).Select(Path.GetFileName).ToHashSet();
        Assert.Equal(
            new HashSet<string?> { "model.onnx", "config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "genai_config.json" },
            written);
    }

    [Fact]
    public void ConfigJsonDescribesTheDefaultArchitectureWithHuggingFaceNames()
    {
        using var dir = new TempDir();
        TinyModelBuilder.Write(dir.Path, 1);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "config.json")));
        var c = doc.RootElement;
        Assert.Equal("llama", c.GetProperty("model_type").GetString());
        Assert.Equal("LlamaForCausalLM", c.GetProperty("architectures")[0].GetString());
        Assert.Equal(64, c.GetProperty("hidden_size").GetInt32());
        Assert.Equal(2, c.GetProperty("num_hidden_layers").GetInt32());
        Assert.Equal(4, c.GetProperty("num_attention_heads").GetInt32());
        Assert.Equal(2, c.GetProperty("num_key_value_heads").GetInt32());
        Assert.Equal(16, c.GetProperty("head_dim").GetInt32());
        Assert.Equal(128, c.GetProperty("intermediate_size").GetInt32());
        Assert.Equal(512, c.GetProperty("vocab_size").GetInt32());
        Assert.Equal(1e-5, c.GetProperty("rms_norm_eps").GetDouble());
        Assert.Equal(10000.0, c.GetProperty("rope_theta").GetDouble());
        Assert.Equal("silu", c.GetProperty("hidden_act").GetString());
        Assert.False(c.GetProperty("tie_word_embeddings").GetBoolean());
    }

    [Fact]
    public void TokenizerHasByteSymbolsMergesAndSpecialTokensWithDistinctIds()
    {
        using var dir = new TempDir();
        TinyModelBuilder.Write(dir.Path, 1);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "tokenizer.json")));
        var model = doc.RootElement.GetProperty("model");
        Assert.Equal("BPE", model.GetProperty("type").GetString());
        var vocab = model.GetProperty("vocab").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.Equal(256 + TinyTokenizerSpec.MergeCount, vocab.Count);
        Assert.Equal(vocab.Count, vocab.Values.Distinct().Count());
        Assert.Equal(65, vocab["A"]);  // printable bytes keep their own character and id
        Assert.Equal(32, vocab["Ġ"]);                   // the space byte is written as U+0120
        foreach (var merge in model.GetProperty("merges").EnumerateArray().Select(m => m.GetString()!.Split(' ')))
        {
            Assert.Contains(merge[0], vocab.Keys);
            Assert.Contains(merge[1], vocab.Keys);
            Assert.Contains(merge[0] + merge[1], vocab.Keys);
        }
        var added = doc.RootElement.GetProperty("added_tokens").EnumerateArray().ToDictionary(t => t.GetProperty("content").GetString()!, t => t.GetProperty("id").GetInt32());
        Assert.Equal(TinyTokenizerSpec.BosId, added["<|bos|>"]);
        Assert.Equal(TinyTokenizerSpec.EndId, added["<|end|>"]);
        Assert.Equal(TinyTokenizerSpec.VocabSize - 1, added.Values.Max());
        Assert.True(doc.RootElement.GetProperty("pre_tokenizer").GetProperty("use_regex").GetBoolean());
    }

    [Fact]
    public void BpeTrainerMergesTheMostFrequentPairFirstAndBreaksTiesOrdinally()
    {
        // Pre-tokens "ab", " ab", " abc": a+b occurs 3 times, Ġ+a twice, b+c once, so a+b is first;
        // then Ġ+ab (twice) beats ab+c (once).
        var merges = ByteLevelBpeTrainer.Train("ab ab abc", 2);
        Assert.Equal([("a", "b"), ("Ġ", "ab")], merges);
    }

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bioeval-tiny-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
        }
    }
}
