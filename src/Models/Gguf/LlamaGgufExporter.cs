using System.Globalization;
using System.Text.Json;
using BioEval.Models.Onnx;

namespace BioEval.Models.Gguf;

/// <summary>What <see cref="LlamaGgufExporter.Export(string, string)"/> wrote.</summary>
public sealed record GgufExportResult(string Path, int TensorCount, int MetadataCount, long Bytes);

/// <summary>
/// Converts a Llama-architecture model folder as BioEval runs it (config.json, tokenizer.json, tokenizer_config.json
/// and an ONNX graph whose weights are float32 initializers named like the Hugging Face parameters, the layout
/// <see cref="Tiny.TinyModelBuilder"/> writes) into a float32 GGUF file llama.cpp loads as architecture <c>llama</c>.
/// <para>
/// Weights are read from the ONNX file itself rather than regenerated from a seed, so the GGUF holds exactly the
/// numbers BioEval's engine multiplies by, and any folder of that layout converts, whatever its config or origin.
/// </para>
/// <para>
/// Conventions that differ between the two worlds: the ONNX graph keeps projection weights as [in, out] (MatMul
/// operand), Hugging Face and GGUF as [out, in]; ggml lists dimensions fastest-first; and llama.cpp's <c>llama</c>
/// rotary embedding rotates adjacent pairs (2i, 2i+1) where Hugging Face's rotate_half pairs i with i + d/2, so the
/// query and key rows of each head are interleaved to make llama.cpp's pairs the ones Hugging Face rotates
/// together (the same reordering llama.cpp's own Hugging Face converter applies).
/// </para>
/// </summary>
public static class LlamaGgufExporter
{
    /// <summary>Writes the GGUF for <paramref name="modelDir"/> to <paramref name="outPath"/>.</summary>
    public static GgufExportResult Export(string modelDir, string outPath) => Export(modelDir, outPath, permuteRotary: true);

    /// <summary>
    /// <paramref name="permuteRotary"/> false skips the query/key reordering: a deliberately wrong conversion the
    /// cross-check tests use to show they notice a rotary convention mismatch.
    /// </summary>
    internal static GgufExportResult Export(string modelDir, string outPath, bool permuteRotary)
    {
        ModelFolder.Require(modelDir);
        var config = LlamaShape.Read(Path.Combine(modelDir, "config.json"));
        var modelPath = new[] { "model.onnx", Path.Combine("onnx", "model.onnx") }
            .Select(p => Path.Combine(modelDir, p)).FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"'{modelDir}' has no model.onnx (nor onnx/model.onnx) to read weights from.");
        var weights = OnnxInitializerReader.ReadFloatInitializers(modelPath);
        var tokenizer = ByteLevelVocabulary.Read(modelDir, config.VocabSize);

        var w = new GgufWriter();
        const string arch = "llama";
        w.Add("general.architecture", GgufValue.String(arch));
        w.Add("general.name", GgufValue.String(Path.GetFileName(Path.GetFullPath(modelDir).TrimEnd(Path.DirectorySeparatorChar))));
        w.Add("general.file_type", GgufValue.UInt32(0)); // ALL_F32
        w.Add($"{arch}.vocab_size", GgufValue.UInt32((uint)config.VocabSize));
        w.Add($"{arch}.context_length", GgufValue.UInt32((uint)config.ContextLength));
        w.Add($"{arch}.embedding_length", GgufValue.UInt32((uint)config.Hidden));
        w.Add($"{arch}.block_count", GgufValue.UInt32((uint)config.Layers));
        w.Add($"{arch}.feed_forward_length", GgufValue.UInt32((uint)config.Intermediate));
        w.Add($"{arch}.attention.head_count", GgufValue.UInt32((uint)config.Heads));
        w.Add($"{arch}.attention.head_count_kv", GgufValue.UInt32((uint)config.KvHeads));
        w.Add($"{arch}.attention.layer_norm_rms_epsilon", GgufValue.Float32((float)config.RmsNormEps));
        if (config.HeadDim * config.Heads != config.Hidden)
        {
            // llama.cpp assumes embedding_length / head_count unless told otherwise.
            w.Add($"{arch}.attention.key_length", GgufValue.UInt32((uint)config.HeadDim));
            w.Add($"{arch}.attention.value_length", GgufValue.UInt32((uint)config.HeadDim));
        }
        w.Add($"{arch}.rope.dimension_count", GgufValue.UInt32((uint)config.HeadDim));
        w.Add($"{arch}.rope.freq_base", GgufValue.Float32((float)config.RopeTheta));
        tokenizer.AddTo(w);

        int h = config.Hidden, d = config.HeadDim, nh = config.Heads, kvh = config.KvHeads, ff = config.Intermediate, v = config.VocabSize;
        float[] Get(string name, params long[] shape)
        {
            if (!weights.TryGetValue(name, out var t))
                throw new NotSupportedException($"{modelPath}: no float32 initializer '{name}'. Export reads ONNX graphs whose weights keep their Hugging Face names (as BioEval's tiny models do); graphs with renamed or folded weights are not supported.");
            if (!t.Shape.SequenceEqual(shape))
                throw new InvalidDataException($"{modelPath}: initializer '{name}' has shape [{string.Join(", ", t.Shape)}]; config.json implies [{string.Join(", ", shape)}].");
            return t.Data;
        }

        // ONNX [in, out] -> GGUF row-major [out, in] (ggml dims [in, out]).
        void Linear(string gguf, string onnx, int input, int output, int? ropeHeads = null)
        {
            var m = Transpose(Get(onnx, input, output), input, output);
            if (ropeHeads is { } heads && permuteRotary) m = InterleaveRotaryRows(m, heads, output / heads, input);
            w.AddTensor(gguf, m, output, input);
        }

        w.AddTensor("token_embd.weight", Get("model.embed_tokens.weight", v, h), v, h);
        for (var l = 0; l < config.Layers; l++)
        {
            var p = $"model.layers.{l}";
            var b = $"blk.{l}";
            w.AddTensor($"{b}.attn_norm.weight", Get($"{p}.input_layernorm.weight", h), h);
            Linear($"{b}.attn_q.weight", $"{p}.self_attn.q_proj.weight", h, nh * d, ropeHeads: nh);
            Linear($"{b}.attn_k.weight", $"{p}.self_attn.k_proj.weight", h, kvh * d, ropeHeads: kvh);
            Linear($"{b}.attn_v.weight", $"{p}.self_attn.v_proj.weight", h, kvh * d);
            Linear($"{b}.attn_output.weight", $"{p}.self_attn.o_proj.weight", nh * d, h);
            w.AddTensor($"{b}.ffn_norm.weight", Get($"{p}.post_attention_layernorm.weight", h), h);
            Linear($"{b}.ffn_gate.weight", $"{p}.mlp.gate_proj.weight", h, ff);
            Linear($"{b}.ffn_up.weight", $"{p}.mlp.up_proj.weight", h, ff);
            Linear($"{b}.ffn_down.weight", $"{p}.mlp.down_proj.weight", ff, h);
        }
        w.AddTensor("output_norm.weight", Get("model.norm.weight", h), h);
        if (weights.ContainsKey("lm_head.weight") || !config.TieWordEmbeddings)
            Linear("output.weight", "lm_head.weight", h, v); // without it llama.cpp reuses token_embd (tied weights)

        w.Write(outPath);
        return new GgufExportResult(outPath, w.TensorCount, w.MetadataCount, new FileInfo(outPath).Length);
    }

    /// <summary>Row-major [rows, cols] to [cols, rows].</summary>
    internal static float[] Transpose(float[] m, int rows, int cols)
    {
        var t = new float[m.Length];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < cols; c++)
                t[c * rows + r] = m[r * cols + c];
        return t;
    }

    /// <summary>
    /// Reorders the output rows of a [heads * headDim, cols] projection so that, within each head, row i of the
    /// first half and row i of the second half (the pair Hugging Face rotates together) become rows 2i and 2i + 1
    /// (the pair llama.cpp's <c>llama</c> rotary embedding rotates together). Attention scores are unchanged because
    /// queries and keys are reordered alike.
    /// </summary>
    internal static float[] InterleaveRotaryRows(float[] m, int heads, int headDim, int cols)
    {
        if (headDim % 2 != 0) throw new ArgumentException($"Head dimension {headDim} must be even for rotary embeddings.", nameof(headDim));
        var half = headDim / 2;
        var result = new float[m.Length];
        for (var h = 0; h < heads; h++)
            for (var i = 0; i < half; i++)
                for (var which = 0; which < 2; which++)
                {
                    var from = h * headDim + which * half + i;
                    var to = h * headDim + 2 * i + which;
                    Array.Copy(m, from * cols, result, to * cols, cols);
                }
        return result;
    }

    /// <summary>The config.json fields a Llama GGUF needs, checked for what this exporter can represent.</summary>
    private sealed record LlamaShape(int VocabSize, int Hidden, int Layers, int Heads, int KvHeads, int HeadDim, int Intermediate,
        int ContextLength, double RmsNormEps, double RopeTheta, bool TieWordEmbeddings)
    {
        public static LlamaShape Read(string path)
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"'{path}' does not exist; export needs the model's Hugging Face config.json.", path);
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            var modelType = root.TryGetProperty("model_type", out var mt) && mt.ValueKind == JsonValueKind.String ? mt.GetString() : null;
            if (modelType != "llama")
                throw new NotSupportedException($"{path}: model_type is '{modelType ?? "(missing)"}'; export supports Llama-architecture models (model_type \"llama\") only.");
            int Int(string name) => root.TryGetProperty(name, out var e) && e.TryGetInt32(out var i) && i > 0
                ? i : throw new InvalidDataException($"{path}: '{name}' must be a positive integer.");
            int? OptionalInt(string name) => root.TryGetProperty(name, out var e) && e.ValueKind != JsonValueKind.Null ? Int(name) : null;
            double Number(string name, double fallback) => root.TryGetProperty(name, out var e) && e.ValueKind != JsonValueKind.Null
                ? (e.TryGetDouble(out var x) ? x : throw new InvalidDataException($"{path}: '{name}' must be a number.")) : fallback;
            bool Flag(string name) => root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.True;

            if (root.TryGetProperty("rope_scaling", out var scaling) && scaling.ValueKind != JsonValueKind.Null)
                throw new NotSupportedException($"{path}: rope_scaling is set; export supports plain rotary embeddings only.");
            foreach (var bias in new[] { "attention_bias", "mlp_bias" })
                if (Flag(bias)) throw new NotSupportedException($"{path}: {bias} is true; export supports bias-free Llama layers only.");
            if (root.TryGetProperty("hidden_act", out var act) && act.GetString() != "silu")
                throw new NotSupportedException($"{path}: hidden_act is '{act.GetString()}'; llama.cpp's llama architecture uses silu.");

            var hidden = Int("hidden_size");
            var heads = Int("num_attention_heads");
            var kvHeads = OptionalInt("num_key_value_heads") ?? heads;
            if (heads % kvHeads != 0) throw new InvalidDataException($"{path}: num_attention_heads {heads} is not a multiple of num_key_value_heads {kvHeads}.");
            var headDim = OptionalInt("head_dim") ?? hidden / heads;
            return new LlamaShape(Int("vocab_size"), hidden, Int("num_hidden_layers"), heads, kvHeads, headDim, Int("intermediate_size"),
                Int("max_position_embeddings"), Number("rms_norm_eps", 1e-6), Number("rope_theta", 10000.0), Flag("tie_word_embeddings"));
        }
    }

    /// <summary>A byte-level BPE tokenizer (tokenizer.json + tokenizer_config.json) as llama.cpp's "gpt2" tokenizer metadata.</summary>
    private sealed record ByteLevelVocabulary(string[] Tokens, int[] Types, IReadOnlyList<string> Merges,
        int? Bos, int? Eos, int? Pad, bool AddBos, bool AddEos, string? ChatTemplate)
    {
        // llama.cpp token types.
        private const int Normal = 1, Control = 3, UserDefined = 4, Unused = 5;

        public void AddTo(GgufWriter w)
        {
            w.Add("tokenizer.ggml.model", GgufValue.String("gpt2"));
            // The GPT-2 split regex is what a Hugging Face ByteLevel pre-tokenizer with use_regex applies.
            w.Add("tokenizer.ggml.pre", GgufValue.String("gpt-2"));
            w.Add("tokenizer.ggml.tokens", GgufValue.Strings(Tokens));
            w.Add("tokenizer.ggml.token_type", GgufValue.Int32s(Types));
            w.Add("tokenizer.ggml.merges", GgufValue.Strings(Merges));
            if (Bos is { } bos) w.Add("tokenizer.ggml.bos_token_id", GgufValue.UInt32((uint)bos));
            if (Eos is { } eos) w.Add("tokenizer.ggml.eos_token_id", GgufValue.UInt32((uint)eos));
            if (Pad is { } pad) w.Add("tokenizer.ggml.padding_token_id", GgufValue.UInt32((uint)pad));
            w.Add("tokenizer.ggml.add_bos_token", GgufValue.Bool(AddBos));
            w.Add("tokenizer.ggml.add_eos_token", GgufValue.Bool(AddEos));
            if (ChatTemplate is not null) w.Add("tokenizer.chat_template", GgufValue.String(ChatTemplate));
        }

        public static ByteLevelVocabulary Read(string dir, int vocabSize)
        {
            var path = Path.Combine(dir, "tokenizer.json");
            if (!File.Exists(path)) throw new FileNotFoundException($"'{path}' does not exist; export needs the model's tokenizer.json.", path);
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            if (!root.TryGetProperty("model", out var model) || model.GetProperty("type").GetString() != "BPE")
                throw new NotSupportedException($"{path}: the tokenizer model is not BPE; export supports byte-level BPE tokenizers only.");
            if (!IsByteLevel(root.TryGetProperty("pre_tokenizer", out var pre) ? pre : default))
                throw new NotSupportedException($"{path}: the pre-tokenizer is not a ByteLevel one with use_regex; export supports GPT-2 style byte-level BPE only.");

            var tokens = new string?[vocabSize];
            var types = new int[vocabSize];
            void Put(int id, string token, int type)
            {
                if (id < 0 || id >= vocabSize) throw new InvalidDataException($"{path}: token '{token}' has id {id}, outside config.json's vocab_size {vocabSize}.");
                tokens[id] = token;
                types[id] = type;
            }
            foreach (var entry in model.GetProperty("vocab").EnumerateObject()) Put(entry.Value.GetInt32(), entry.Name, Normal);
            if (root.TryGetProperty("added_tokens", out var added))
                foreach (var t in added.EnumerateArray())
                    Put(t.GetProperty("id").GetInt32(), t.GetProperty("content").GetString()!,
                        t.TryGetProperty("special", out var s) && s.ValueKind == JsonValueKind.True ? Control : UserDefined);
            for (var id = 0; id < vocabSize; id++)
                if (tokens[id] is null) { tokens[id] = $"[PAD{id.ToString(CultureInfo.InvariantCulture)}]"; types[id] = Unused; }

            var merges = new List<string>();
            if (model.TryGetProperty("merges", out var m))
                foreach (var merge in m.EnumerateArray())
                    merges.Add(merge.ValueKind == JsonValueKind.Array
                        ? $"{merge[0].GetString()} {merge[1].GetString()}"
                        : merge.GetString()!);

            var configPath = Path.Combine(dir, "tokenizer_config.json");
            JsonElement config = default;
            using var configDoc = File.Exists(configPath) ? JsonDocument.Parse(File.ReadAllText(configPath)) : null;
            if (configDoc is not null) config = configDoc.RootElement;
            int? Special(string name)
            {
                if (config.ValueKind != JsonValueKind.Object || !config.TryGetProperty(name, out var e)) return null;
                var text = e.ValueKind == JsonValueKind.Object && e.TryGetProperty("content", out var c) ? c.GetString() : e.ValueKind == JsonValueKind.String ? e.GetString() : null;
                if (text is null) return null;
                var id = Array.IndexOf(tokens, text);
                return id >= 0 ? id : throw new InvalidDataException($"{configPath}: {name} '{text}' is not in the vocabulary of {path}.");
            }
            bool Flag(string name, bool fallback) =>
                config.ValueKind == JsonValueKind.Object && config.TryGetProperty(name, out var e) && e.ValueKind is JsonValueKind.True or JsonValueKind.False
                    ? e.GetBoolean() : fallback;
            var template = config.ValueKind == JsonValueKind.Object && config.TryGetProperty("chat_template", out var ct) && ct.ValueKind == JsonValueKind.String
                ? ct.GetString() : null;
            return new ByteLevelVocabulary(tokens!, types, merges, Special("bos_token"), Special("eos_token"), Special("pad_token"),
                Flag("add_bos_token", false), Flag("add_eos_token", false), template);
        }

        private static bool IsByteLevel(JsonElement pre) => pre.ValueKind == JsonValueKind.Object && pre.GetProperty("type").GetString() switch
        {
            "ByteLevel" => !pre.TryGetProperty("use_regex", out var r) || r.ValueKind != JsonValueKind.False,
            _ => false,
        };
    }
}
