using BioEval.Models.Onnx;

namespace BioEval.Models.Tiny;

/// <summary>
/// Writes the tiny model as an ONNX graph in the Hugging Face Optimum <c>text-generation-with-past</c>
/// layout, so the engine loads it exactly like an exported real model (same input/output names and shapes).
/// Opset 17, IR version 8: old enough for every ONNX Runtime that ships with CUDA 12.
/// </summary>
public static class TinyLlamaGraph
{
    public const long Opset = 17;
    public const long IrVersion = 8;

    /// <summary>
    /// Serialised ModelProto for <paramref name="w"/>. With <paramref name="float16Cache"/> the past/present
    /// tensors are float16 (compute stays float32), the way half-precision exports look to the engine.
    /// </summary>
    public static byte[] Build(TinyLlamaWeights w, bool float16Cache = false) => Build(w, float16Cache, new OnnxGraphBuilder());

    /// <summary>
    /// The same model with its weights in the external data file <paramref name="dataFile"/> beside it, the way
    /// exports of real checkpoints store them.
    /// </summary>
    public static (byte[] Model, byte[] Data) BuildWithExternalData(TinyLlamaWeights w, string dataFile)
    {
        var g = new OnnxGraphBuilder(dataFile);
        var model = Build(w, float16Cache: false, g);
        return (model, g.ExternalData);
    }

    private static byte[] Build(TinyLlamaWeights w, bool float16Cache, OnnxGraphBuilder g)
    {
        var cacheType = float16Cache ? OnnxDataType.Float16 : OnnxDataType.Float;
        var c = w.Config;
        int h = c.HiddenSize, d = c.HeadDim, nh = c.NumAttentionHeads, kvh = c.NumKeyValueHeads;

        var inputIds = g.Input(OptimumNames.InputIds, OnnxDataType.Int64, "batch_size", "sequence_length");
        var attentionMask = g.Input(OptimumNames.AttentionMask, OnnxDataType.Int64, "batch_size", "total_sequence_length");
        var positionIds = g.Input(OptimumNames.PositionIds, OnnxDataType.Int64, "batch_size", "sequence_length");
        var pastKeys = new string[c.NumHiddenLayers];
        var pastValues = new string[c.NumHiddenLayers];
        for (var l = 0; l < c.NumHiddenLayers; l++)
        {
            pastKeys[l] = g.Input(OptimumNames.PastKey(l), cacheType, "batch_size", (long)kvh, "past_sequence_length", (long)d);
            pastValues[l] = g.Input(OptimumNames.PastValue(l), cacheType, "batch_size", (long)kvh, "past_sequence_length", (long)d);
            if (float16Cache)
            {
                pastKeys[l] = g.Node("Cast", [pastKeys[l]], OnnxGraphBuilder.IntAttr("to", (long)OnnxDataType.Float));
                pastValues[l] = g.Node("Cast", [pastValues[l]], OnnxGraphBuilder.IntAttr("to", (long)OnnxDataType.Float));
            }
        }

        var embed = g.Initializer("model.embed_tokens.weight", w.Embedding, c.VocabSize, h);
        var x = g.Node("Gather", [embed, inputIds]);

        // Rotary tables gathered by position id: [B, S, D] -> [B, 1, S, D] to broadcast over heads.
        var cosTable = g.Initializer("rotary.cos", w.RopeCos, c.MaxPositionEmbeddings, d);
        var sinTable = g.Initializer("rotary.sin", w.RopeSin, c.MaxPositionEmbeddings, d);
        var axis1 = g.Ints(1);
        var cos = g.Node("Unsqueeze", [g.Node("Gather", [cosTable, positionIds]), axis1]);
        var sin = g.Node("Unsqueeze", [g.Node("Gather", [sinTable, positionIds]), axis1]);

        var mask = AttentionBias(g, inputIds, attentionMask);

        var eps = g.FloatScalar((float)c.RmsNormEps);
        var two = g.FloatScalar(2f);
        var scale = g.FloatScalar(1f / MathF.Sqrt(d));
        var splitHalves = g.Ints(d / 2, d / 2);
        var headsShapeQ = g.Ints(0, 0, nh, d);
        var headsShapeKv = g.Ints(0, 0, kvh, d);
        var mergeShape = g.Ints(0, 0, nh * d);
        // Grouped-query attention: query head j reads key/value head j / groups. Query heads of one group are
        // consecutive, so [B, heads, S, D] viewed as [B, kv_heads, groups*S, D] meets its key/value head directly;
        // the result is what HF's repeat_kv gives, without copying every key and value once per group.
        var groupedShape = g.Ints(0, kvh, -1, 0);
        var perHeadShape = g.Ints(0, nh, -1, 0);

        for (var l = 0; l < c.NumHiddenLayers; l++)
        {
            var lw = w.Layers[l];
            var p = $"model.layers.{l}";
            var hn = RmsNorm(g, x, g.Initializer($"{p}.input_layernorm.weight", lw.InputNorm, h), eps, two);

            var q = Heads(g, g.Node("MatMul", [hn, g.Initializer($"{p}.self_attn.q_proj.weight", lw.Q, h, nh * d)]), headsShapeQ);
            var k = Heads(g, g.Node("MatMul", [hn, g.Initializer($"{p}.self_attn.k_proj.weight", lw.K, h, kvh * d)]), headsShapeKv);
            var v = Heads(g, g.Node("MatMul", [hn, g.Initializer($"{p}.self_attn.v_proj.weight", lw.V, h, kvh * d)]), headsShapeKv);
            q = Rotate(g, q, cos, sin, splitHalves);
            k = Rotate(g, k, cos, sin, splitHalves);

            if (float16Cache)
            {
                // Round the new entries to half precision before use, so a step sees the same values the cache will hold.
                k = g.Node("Cast", [g.Node("Cast", [k], OnnxGraphBuilder.IntAttr("to", (long)OnnxDataType.Float16))], OnnxGraphBuilder.IntAttr("to", (long)OnnxDataType.Float));
                v = g.Node("Cast", [g.Node("Cast", [v], OnnxGraphBuilder.IntAttr("to", (long)OnnxDataType.Float16))], OnnxGraphBuilder.IntAttr("to", (long)OnnxDataType.Float));
            }
            var presentK = Present(g, OptimumNames.PresentKey(l), pastKeys[l], k, float16Cache);
            var presentV = Present(g, OptimumNames.PresentValue(l), pastValues[l], v, float16Cache);
            g.Output(OptimumNames.PresentKey(l), cacheType, "batch_size", (long)kvh, "total_sequence_length", (long)d);
            g.Output(OptimumNames.PresentValue(l), cacheType, "batch_size", (long)kvh, "total_sequence_length", (long)d);

            var kT = g.Node("Transpose", [presentK], OnnxGraphBuilder.IntsAttr("perm", 0, 1, 3, 2));
            var groupedScores = g.Node("MatMul", [g.Node("Reshape", [q, groupedShape]), kT]);
            var scores = g.Node("Mul", [g.Node("Reshape", [groupedScores, perHeadShape]), scale]);
            var probs = g.Node("Softmax", [g.Node("Add", [scores, mask])], OnnxGraphBuilder.IntAttr("axis", -1));
            var groupedContext = g.Node("MatMul", [g.Node("Reshape", [probs, groupedShape]), presentV]);
            var context = g.Node("Reshape", [groupedContext, perHeadShape]);
            var merged = g.Node("Reshape", [g.Node("Transpose", [context], OnnxGraphBuilder.IntsAttr("perm", 0, 2, 1, 3)), mergeShape]);
            x = g.Node("Add", [x, g.Node("MatMul", [merged, g.Initializer($"{p}.self_attn.o_proj.weight", lw.O, nh * d, h)])]);

            var hn2 = RmsNorm(g, x, g.Initializer($"{p}.post_attention_layernorm.weight", lw.PostAttentionNorm, h), eps, two);
            var gate = g.Node("MatMul", [hn2, g.Initializer($"{p}.mlp.gate_proj.weight", lw.Gate, h, c.IntermediateSize)]);
            var up = g.Node("MatMul", [hn2, g.Initializer($"{p}.mlp.up_proj.weight", lw.Up, h, c.IntermediateSize)]);
            var silu = g.Node("Mul", [gate, g.Node("Sigmoid", [gate])]);
            var down = g.Node("MatMul", [g.Node("Mul", [silu, up]), g.Initializer($"{p}.mlp.down_proj.weight", lw.Down, c.IntermediateSize, h)]);
            x = g.Node("Add", [x, down]);
        }

        var final = RmsNorm(g, x, g.Initializer("model.norm.weight", w.FinalNorm, h), eps, two);
        var logits = g.NamedNode(OptimumNames.Logits, "MatMul", [final, g.Initializer("lm_head.weight", w.LmHead, h, c.VocabSize)]);
        g.Output(logits, OnnxDataType.Float, "batch_size", "sequence_length", (long)c.VocabSize);
        return g.Build("tiny_llama", IrVersion, Opset, "BioEval", "0.1.0");
    }

    // Concatenates past and new entries; returns the float32 tensor attention reads. The named graph output is
    // that tensor itself or, for a float16 cache, its cast.
    private static string Present(OnnxGraphBuilder g, string name, string past, string current, bool float16Cache)
    {
        if (!float16Cache) return g.NamedNode(name, "Concat", [past, current], OnnxGraphBuilder.IntAttr("axis", 2));
        var full = g.Node("Concat", [past, current], OnnxGraphBuilder.IntAttr("axis", 2));
        g.NamedNode(name, "Cast", [full], OnnxGraphBuilder.IntAttr("to", (long)OnnxDataType.Float16));
        return full;
    }

    // Additive bias [B, 1, S, T]: 0 where key j is visible to query i, -1e9 elsewhere. Causality uses absolute
    // slots (query i sits at slot past + i), padding comes from attention_mask, so left padding works.
    // A finite bias keeps fully masked rows (queries on padding) free of NaN.
    private static string AttentionBias(OnnxGraphBuilder g, string inputIds, string attentionMask)
    {
        var zeroIndex = g.IntScalar(0);
        var oneIndex = g.IntScalar(1);
        var seqLen = g.Node("Gather", [g.Node("Shape", [inputIds]), oneIndex], OnnxGraphBuilder.IntAttr("axis", 0));
        var totalLen = g.Node("Gather", [g.Node("Shape", [attentionMask]), oneIndex], OnnxGraphBuilder.IntAttr("axis", 0));
        var pastLen = g.Node("Sub", [totalLen, seqLen]);
        var querySlots = g.Node("Unsqueeze", [g.Node("Range", [pastLen, totalLen, oneIndex]), g.Ints(1)]);
        var keySlots = g.Node("Unsqueeze", [g.Node("Range", [zeroIndex, totalLen, oneIndex]), g.Ints(0)]);
        var causal = g.Node("LessOrEqual", [keySlots, querySlots]);
        var padding = g.Node("Unsqueeze", [g.Node("Cast", [attentionMask], OnnxGraphBuilder.IntAttr("to", (long)OnnxDataType.Bool)), g.Ints(1, 2)]);
        var visible = g.Node("And", [causal, padding]);
        return g.Node("Where", [visible, g.FloatScalar(0f), g.FloatScalar(-1e9f)]);
    }

    // The Pow/ReduceMean/Add/Sqrt/Div/Mul chain is what HF exports produce; ORT fuses it into SimplifiedLayerNormalization.
    private static string RmsNorm(OnnxGraphBuilder g, string x, string weight, string eps, string two)
    {
        var meanSquare = g.Node("ReduceMean", [g.Node("Pow", [x, two])], OnnxGraphBuilder.IntsAttr("axes", -1), OnnxGraphBuilder.IntAttr("keepdims", 1));
        var rms = g.Node("Sqrt", [g.Node("Add", [meanSquare, eps])]);
        return g.Node("Mul", [g.Node("Div", [x, rms]), weight]);
    }

    // [B, S, heads*D] -> [B, heads, S, D]
    private static string Heads(OnnxGraphBuilder g, string projected, string shape) =>
        g.Node("Transpose", [g.Node("Reshape", [projected, shape])], OnnxGraphBuilder.IntsAttr("perm", 0, 2, 1, 3));

    private static string Rotate(OnnxGraphBuilder g, string x, string cos, string sin, string splitHalves)
    {
        var halves = g.Node("Split", [x, splitHalves], 2, OnnxGraphBuilder.IntAttr("axis", -1));
        var rotated = g.Node("Concat", [g.Node("Neg", [halves[1]]), halves[0]], OnnxGraphBuilder.IntAttr("axis", -1));
        return g.Node("Add", [g.Node("Mul", [x, cos]), g.Node("Mul", [rotated, sin])]);
    }

}
