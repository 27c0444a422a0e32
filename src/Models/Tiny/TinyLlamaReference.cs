namespace BioEval.Models.Tiny;

/// <summary>
/// The tiny model's forward pass in plain loops, independent of ONNX. It is the oracle the ONNX graph
/// is tested against, so it favours obviousness over speed.
/// </summary>
public static class TinyLlamaReference
{
    /// <summary>
    /// Logits [tokens.Count, vocab] (row-major) for one unpadded sequence at positions 0..n-1 with causal attention.
    /// </summary>
    public static float[] Forward(TinyLlamaWeights w, IReadOnlyList<int> tokens)
    {
        var c = w.Config;
        int n = tokens.Count, h = c.HiddenSize, d = c.HeadDim, nh = c.NumAttentionHeads, kvh = c.NumKeyValueHeads;
        int qd = nh * d, kvd = kvh * d, inter = c.IntermediateSize, vocab = c.VocabSize;
        var eps = (float)c.RmsNormEps;

        var x = new float[n][];
        for (var t = 0; t < n; t++)
        {
            if (tokens[t] < 0 || tokens[t] >= vocab) throw new ArgumentOutOfRangeException(nameof(tokens), $"Token id {tokens[t]} at {t} is outside the vocabulary of {vocab}.");
            x[t] = w.Embedding.AsSpan(tokens[t] * h, h).ToArray();
        }

        foreach (var layer in w.Layers)
        {
            var q = new float[n][];
            var k = new float[n][];
            var v = new float[n][];
            for (var t = 0; t < n; t++)
            {
                var hn = RmsNorm(x[t], layer.InputNorm, eps);
                q[t] = Rope(MatVec(hn, layer.Q, h, qd), w, t, nh);
                k[t] = Rope(MatVec(hn, layer.K, h, kvd), w, t, kvh);
                v[t] = MatVec(hn, layer.V, h, kvd);
            }
            var scale = 1.0f / MathF.Sqrt(d);
            for (var t = 0; t < n; t++)
            {
                var attn = new float[qd];
                for (var head = 0; head < nh; head++)
                {
                    var kvHead = head / c.KvGroups;
                    var scores = new float[t + 1];
                    var max = float.NegativeInfinity;
                    for (var s = 0; s <= t; s++)
                    {
                        float dot = 0;
                        for (var i = 0; i < d; i++) dot += q[t][head * d + i] * k[s][kvHead * d + i];
                        scores[s] = dot * scale;
                        max = MathF.Max(max, scores[s]);
                    }
                    float sum = 0;
                    for (var s = 0; s <= t; s++) { scores[s] = MathF.Exp(scores[s] - max); sum += scores[s]; }
                    for (var s = 0; s <= t; s++)
                        for (var i = 0; i < d; i++)
                            attn[head * d + i] += scores[s] / sum * v[s][kvHead * d + i];
                }
                var o = MatVec(attn, layer.O, qd, h);
                for (var i = 0; i < h; i++) x[t][i] += o[i];
            }
            for (var t = 0; t < n; t++)
            {
                var hn = RmsNorm(x[t], layer.PostAttentionNorm, eps);
                var gate = MatVec(hn, layer.Gate, h, inter);
                var up = MatVec(hn, layer.Up, h, inter);
                for (var i = 0; i < inter; i++) gate[i] = gate[i] / (1f + MathF.Exp(-gate[i])) * up[i];
                var down = MatVec(gate, layer.Down, inter, h);
                for (var i = 0; i < h; i++) x[t][i] += down[i];
            }
        }

        var logits = new float[n * vocab];
        for (var t = 0; t < n; t++)
            MatVec(RmsNorm(x[t], w.FinalNorm, eps), w.LmHead, h, vocab).CopyTo(logits, t * vocab);
        return logits;
    }

    private static float[] RmsNorm(float[] x, float[] weight, float eps)
    {
        double sq = 0;
        foreach (var value in x) sq += value * value;
        var inv = 1.0f / MathF.Sqrt((float)(sq / x.Length) + eps);
        var y = new float[x.Length];
        for (var i = 0; i < x.Length; i++) y[i] = x[i] * inv * weight[i];
        return y;
    }

    private static float[] MatVec(float[] x, float[] m, int rows, int cols)
    {
        var y = new float[cols];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < cols; c++)
                y[c] += x[r] * m[r * cols + c];
        return y;
    }

    // x * cos + rotate_half(x) * sin, with rotate_half(a, b) = (-b, a) over the two halves of each head.
    private static float[] Rope(float[] x, TinyLlamaWeights w, int position, int heads)
    {
        int d = w.Config.HeadDim, half = d / 2;
        var y = new float[x.Length];
        for (var head = 0; head < heads; head++)
        {
            for (var i = 0; i < d; i++)
            {
                var rotated = i < half ? -x[head * d + i + half] : x[head * d + i - half];
                y[head * d + i] = x[head * d + i] * w.RopeCos[position * d + i] + rotated * w.RopeSin[position * d + i];
            }
        }
        return y;
    }
}
