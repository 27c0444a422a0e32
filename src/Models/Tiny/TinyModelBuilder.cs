using System.Globalization;
using System.Numerics;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace BioEval.Models.Tiny;

/// <summary>
/// Writes a complete Hugging Face-style model folder for a tiny seeded model: ONNX graph (Optimum layout),
/// config, generation config, byte-level BPE tokenizer with a chat template, and an onnxruntime-genai config.
/// Every file is a pure function of (config, seed), so tests and benchmarks can rebuild it anywhere.
/// </summary>
public static class TinyModelBuilder
{
    public const string ModelFile = "model.onnx";

    /// <summary>Seeds of the embedded model pair: a "base" model and its "biomedical" counterpart.</summary>
    public static readonly IReadOnlyDictionary<string, int> EmbeddedSeeds = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
    {
        ["tiny-base"] = 1,
        ["tiny-bio"] = 2,
    };

    /// <summary>
    /// Writes the folder for <paramref name="seed"/> into <paramref name="dir"/> (created if needed); returns the files
    /// written. <paramref name="float16Cache"/> makes the key/value cache inputs and outputs float16;
    /// <paramref name="externalData"/> stores the weights in <c>model.onnx.data</c> beside the graph.
    /// </summary>
    public static IReadOnlyList<string> Write(string dir, BigInteger seed, TinyLlamaConfig? config = null, bool float16Cache = false, bool externalData = false)
    {
        if (externalData && float16Cache) throw new ArgumentException("A tiny model with external data has a float32 cache.", nameof(externalData));
        config ??= new TinyLlamaConfig();
        config.Validate();
        if (config.VocabSize != TinyTokenizerSpec.VocabSize)
            throw new ArgumentException($"TinyLlamaConfig.VocabSize {config.VocabSize} must equal the tiny tokenizer's size {TinyTokenizerSpec.VocabSize}.");
        Directory.CreateDirectory(dir);
        var weights = TinyLlamaWeights.Create(config, seed);
        var written = new List<string>();
        void Save(string name, byte[] bytes)
        {
            var path = Path.Combine(dir, name);
            File.WriteAllBytes(path, bytes);
            written.Add(path);
        }

        if (externalData)
        {
            var (model, data) = TinyLlamaGraph.BuildWithExternalData(weights, ModelFile + ".data");
            Save(ModelFile, model);
            Save(ModelFile + ".data", data);
        }
        else
        {
            Save(ModelFile, TinyLlamaGraph.Build(weights, float16Cache));
        }
        Save("config.json", Json(w => WriteConfig(w, config, seed)));
        Save("generation_config.json", Json(w => WriteGenerationConfig(w, config)));
        Save("tokenizer.json", Json(w => WriteTokenizer(w, config)));
        Save("tokenizer_config.json", Json(w => WriteTokenizerConfig(w, config)));
        Save("special_tokens_map.json", Json(WriteSpecialTokensMap));
        Save("genai_config.json", Json(w => WriteGenAiConfig(w, config)));
        return written;
    }

    /// <summary>Writes the embedded model <paramref name="name"/> (tiny-base or tiny-bio).</summary>
    public static IReadOnlyList<string> WriteEmbedded(string dir, string name) =>
        EmbeddedSeeds.TryGetValue(name, out var seed)
            ? Write(dir, seed)
            : throw new ArgumentException($"Unknown tiny model '{name}'. Known: {string.Join(", ", EmbeddedSeeds.Keys)}.");

    /// <summary>The merges the tiny tokenizer uses (learned from <see cref="TinyCorpus"/>).</summary>
    public static IReadOnlyList<(string Left, string Right)> Merges => LazyMerges.Value;

    private static readonly Lazy<IReadOnlyList<(string Left, string Right)>> LazyMerges = new(() =>
    {
        var merges = ByteLevelBpeTrainer.Train(TinyCorpus.Text, TinyTokenizerSpec.MergeCount);
        return merges.Count == TinyTokenizerSpec.MergeCount
            ? merges
            : throw new InvalidOperationException($"The tiny corpus yields only {merges.Count} merges; {TinyTokenizerSpec.MergeCount} are needed.");
    });

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    private static void WriteConfig(Utf8JsonWriter w, TinyLlamaConfig c, BigInteger seed)
    {
        w.WriteStartArray("architectures");
        w.WriteStringValue("LlamaForCausalLM");
        w.WriteEndArray();
        w.WriteBoolean("attention_bias", false);
        w.WriteNumber("attention_dropout", 0.0);
        w.WriteNumber("bos_token_id", c.BosTokenId);
        w.WriteNumber("eos_token_id", c.EosTokenId);
        w.WriteNumber("pad_token_id", c.PadTokenId);
        w.WriteNumber("head_dim", c.HeadDim);
        w.WriteString("hidden_act", "silu");
        w.WriteNumber("hidden_size", c.HiddenSize);
        w.WriteNumber("initializer_range", 0.02);
        w.WriteNumber("intermediate_size", c.IntermediateSize);
        w.WriteNumber("max_position_embeddings", c.MaxPositionEmbeddings);
        w.WriteBoolean("mlp_bias", false);
        w.WriteString("model_type", "llama");
        w.WriteNumber("num_attention_heads", c.NumAttentionHeads);
        w.WriteNumber("num_hidden_layers", c.NumHiddenLayers);
        w.WriteNumber("num_key_value_heads", c.NumKeyValueHeads);
        w.WriteNumber("rms_norm_eps", c.RmsNormEps);
        w.WriteNull("rope_scaling");
        w.WriteNumber("rope_theta", c.RopeTheta);
        w.WriteBoolean("tie_word_embeddings", c.TieWordEmbeddings);
        w.WriteString("torch_dtype", "float32");
        w.WriteBoolean("use_cache", true);
        w.WriteNumber("vocab_size", c.VocabSize);
        w.WritePropertyName("bioeval_tiny_seed");
        w.WriteRawValue(seed.ToString(CultureInfo.InvariantCulture));
    }

    private static void WriteGenerationConfig(Utf8JsonWriter w, TinyLlamaConfig c)
    {
        w.WriteNumber("bos_token_id", c.BosTokenId);
        w.WriteStartArray("eos_token_id");
        w.WriteNumberValue(c.EosTokenId);
        w.WriteNumberValue(TinyTokenizerSpec.EndId);
        w.WriteEndArray();
        w.WriteNumber("pad_token_id", c.PadTokenId);
        w.WriteBoolean("do_sample", false);
    }

    private static void WriteTokenizer(Utf8JsonWriter w, TinyLlamaConfig c)
    {
        w.WriteString("version", "1.0");
        w.WriteNull("truncation");
        w.WriteNull("padding");
        w.WriteStartArray("added_tokens");
        for (var i = 0; i < TinyTokenizerSpec.SpecialTokens.Count; i++)
        {
            w.WriteStartObject();
            w.WriteNumber("id", TinyTokenizerSpec.FirstSpecialId + i);
            w.WriteString("content", TinyTokenizerSpec.SpecialTokens[i]);
            w.WriteBoolean("single_word", false);
            w.WriteBoolean("lstrip", false);
            w.WriteBoolean("rstrip", false);
            w.WriteBoolean("normalized", false);
            w.WriteBoolean("special", true);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNull("normalizer");
        w.WriteStartObject("pre_tokenizer");
        WriteByteLevel(w, trimOffsets: true);
        w.WriteEndObject();

        // Prepends <|bos|> when add_special_tokens is on, as Llama 3 style tokenizers do.
        w.WriteStartObject("post_processor");
        w.WriteString("type", "TemplateProcessing");
        w.WriteStartArray("single");
        WriteSpecialPiece(w);
        WriteSequencePiece(w, "A");
        w.WriteEndArray();
        w.WriteStartArray("pair");
        WriteSpecialPiece(w);
        WriteSequencePiece(w, "A");
        WriteSpecialPiece(w);
        WriteSequencePiece(w, "B");
        w.WriteEndArray();
        w.WriteStartObject("special_tokens");
        w.WriteStartObject(TinyTokenizerSpec.Bos);
        w.WriteString("id", TinyTokenizerSpec.Bos);
        w.WriteStartArray("ids");
        w.WriteNumberValue(c.BosTokenId);
        w.WriteEndArray();
        w.WriteStartArray("tokens");
        w.WriteStringValue(TinyTokenizerSpec.Bos);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartObject("decoder");
        WriteByteLevel(w, trimOffsets: true);
        w.WriteEndObject();

        w.WriteStartObject("model");
        w.WriteString("type", "BPE");
        w.WriteNull("dropout");
        w.WriteNull("unk_token");
        w.WriteNull("continuing_subword_prefix");
        w.WriteNull("end_of_word_suffix");
        w.WriteBoolean("fuse_unk", false);
        w.WriteBoolean("byte_fallback", false);
        w.WriteBoolean("ignore_merges", false);
        w.WriteStartObject("vocab");
        var symbols = ByteLevelBpeTrainer.ByteSymbols();
        for (var b = 0; b < symbols.Length; b++) w.WriteNumber(symbols[b], b);
        for (var m = 0; m < Merges.Count; m++) w.WriteNumber(Merges[m].Left + Merges[m].Right, TinyTokenizerSpec.ByteCount + m);
        w.WriteEndObject();
        w.WriteStartArray("merges");
        foreach (var (left, right) in Merges) w.WriteStringValue(left + " " + right);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteByteLevel(Utf8JsonWriter w, bool trimOffsets)
    {
        w.WriteString("type", "ByteLevel");
        w.WriteBoolean("add_prefix_space", false);
        w.WriteBoolean("trim_offsets", trimOffsets);
        w.WriteBoolean("use_regex", true);
    }

    private static void WriteSpecialPiece(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteStartObject("SpecialToken");
        w.WriteString("id", TinyTokenizerSpec.Bos);
        w.WriteNumber("type_id", 0);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteSequencePiece(Utf8JsonWriter w, string id)
    {
        w.WriteStartObject();
        w.WriteStartObject("Sequence");
        w.WriteString("id", id);
        w.WriteNumber("type_id", 0);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteTokenizerConfig(Utf8JsonWriter w, TinyLlamaConfig c)
    {
        w.WriteBoolean("add_bos_token", true);
        w.WriteBoolean("add_eos_token", false);
        w.WriteStartObject("added_tokens_decoder");
        for (var i = 0; i < TinyTokenizerSpec.SpecialTokens.Count; i++)
        {
            w.WriteStartObject((TinyTokenizerSpec.FirstSpecialId + i).ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("content", TinyTokenizerSpec.SpecialTokens[i]);
            w.WriteBoolean("lstrip", false);
            w.WriteBoolean("normalized", false);
            w.WriteBoolean("rstrip", false);
            w.WriteBoolean("single_word", false);
            w.WriteBoolean("special", true);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteString("bos_token", TinyTokenizerSpec.Bos);
        w.WriteString("eos_token", TinyTokenizerSpec.Eos);
        w.WriteString("pad_token", TinyTokenizerSpec.Pad);
        w.WriteString("chat_template", TinyTokenizerSpec.ChatTemplate);
        w.WriteBoolean("clean_up_tokenization_spaces", false);
        w.WriteNumber("model_max_length", c.MaxPositionEmbeddings);
        w.WriteString("tokenizer_class", "PreTrainedTokenizerFast");
    }

    private static void WriteSpecialTokensMap(Utf8JsonWriter w)
    {
        w.WriteString("bos_token", TinyTokenizerSpec.Bos);
        w.WriteString("eos_token", TinyTokenizerSpec.Eos);
        w.WriteString("pad_token", TinyTokenizerSpec.Pad);
        w.WriteStartArray("additional_special_tokens");
        foreach (var t in new[] { TinyTokenizerSpec.System, TinyTokenizerSpec.User, TinyTokenizerSpec.Assistant, TinyTokenizerSpec.End })
            w.WriteStringValue(t);
        w.WriteEndArray();
    }

    // onnxruntime-genai reads this to run the same folder; past/present buffers are not shared because the
    // graph grows the cache by Concat.
    private static void WriteGenAiConfig(Utf8JsonWriter w, TinyLlamaConfig c)
    {
        w.WriteStartObject("model");
        w.WriteNumber("bos_token_id", c.BosTokenId);
        w.WriteNumber("context_length", c.MaxPositionEmbeddings);
        w.WriteStartObject("decoder");
        w.WriteStartObject("session_options");
        w.WriteString("log_id", "onnxruntime-genai");
        w.WriteStartArray("provider_options");
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteString("filename", ModelFile);
        w.WriteNumber("head_size", c.HeadDim);
        w.WriteNumber("hidden_size", c.HiddenSize);
        w.WriteStartObject("inputs");
        w.WriteString("input_ids", Onnx.OptimumNames.InputIds);
        w.WriteString("attention_mask", Onnx.OptimumNames.AttentionMask);
        w.WriteString("position_ids", Onnx.OptimumNames.PositionIds);
        w.WriteString("past_key_names", Onnx.OptimumNames.PastKeyTemplate);
        w.WriteString("past_value_names", Onnx.OptimumNames.PastValueTemplate);
        w.WriteEndObject();
        w.WriteStartObject("outputs");
        w.WriteString("logits", Onnx.OptimumNames.Logits);
        w.WriteString("present_key_names", Onnx.OptimumNames.PresentKeyTemplate);
        w.WriteString("present_value_names", Onnx.OptimumNames.PresentValueTemplate);
        w.WriteEndObject();
        w.WriteNumber("num_attention_heads", c.NumAttentionHeads);
        w.WriteNumber("num_hidden_layers", c.NumHiddenLayers);
        w.WriteNumber("num_key_value_heads", c.NumKeyValueHeads);
        w.WriteEndObject();
        w.WriteStartArray("eos_token_id");
        w.WriteNumberValue(c.EosTokenId);
        w.WriteNumberValue(TinyTokenizerSpec.EndId);
        w.WriteEndArray();
        w.WriteNumber("pad_token_id", c.PadTokenId);
        w.WriteString("type", "llama");
        w.WriteNumber("vocab_size", c.VocabSize);
        w.WriteEndObject();

        w.WriteStartObject("search");
        w.WriteNumber("diversity_penalty", 0.0);
        w.WriteBoolean("do_sample", false);
        w.WriteBoolean("early_stopping", true);
        w.WriteNumber("length_penalty", 1.0);
        w.WriteNumber("max_length", c.MaxPositionEmbeddings);
        w.WriteNumber("min_length", 0);
        w.WriteNumber("no_repeat_ngram_size", 0);
        w.WriteNumber("num_beams", 1);
        w.WriteNumber("num_return_sequences", 1);
        w.WriteBoolean("past_present_share_buffer", false);
        w.WriteNumber("repetition_penalty", 1.0);
        w.WriteNumber("temperature", 1.0);
        w.WriteNumber("top_k", 1);
        w.WriteNumber("top_p", 1.0);
        w.WriteEndObject();
    }
}
