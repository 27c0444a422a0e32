using System.Numerics;
using BioEval.Models.Onnx;

namespace BioEval.Models.Tiny;

/// <summary>Weights of one decoder layer. Matrices are row-major [in, out], the layout ONNX MatMul takes.</summary>
public sealed record TinyLayerWeights(
    float[] InputNorm, float[] Q, float[] K, float[] V, float[] O,
    float[] PostAttentionNorm, float[] Gate, float[] Up, float[] Down);

/// <summary>
/// All weights of a tiny model, generated from a seed. The ONNX graph and the plain C# reference both
/// read this one object, so a parity test compares two evaluations of the very same numbers.
/// </summary>
public sealed record TinyLlamaWeights(
    TinyLlamaConfig Config,
    float[] Embedding,            // [vocab, hidden]
    IReadOnlyList<TinyLayerWeights> Layers,
    float[] FinalNorm,            // [hidden]
    float[] LmHead,               // [hidden, vocab]
    float[] RopeCos,              // [max_positions, head_dim]
    float[] RopeSin)              // [max_positions, head_dim]
{
    /// <summary>
    /// Deterministic weights: uniform draws from <see cref="SplitMix64"/> scaled to a chosen standard
    /// deviation (uniform rather than normal so no transcendental function touches the values).
    /// </summary>
    public static TinyLlamaWeights Create(TinyLlamaConfig config, BigInteger seed)
    {
        config.Validate();
        var rng = new SplitMix64(unchecked(SeedValue.Low64Bits(seed) * 0x2545F4914F6CDD1DUL + 0x1234567UL));
        int h = config.HiddenSize, d = config.HeadDim, qd = config.NumAttentionHeads * d, kvd = config.NumKeyValueHeads * d;
        int inter = config.IntermediateSize, vocab = config.VocabSize;

        var embedding = Uniform(rng, vocab * h, 1.0);
        var layers = new List<TinyLayerWeights>();
        for (var l = 0; l < config.NumHiddenLayers; l++)
        {
            layers.Add(new TinyLayerWeights(
                InputNorm: NormWeights(rng, h),
                Q: Uniform(rng, h * qd, 1.0 / Math.Sqrt(h)),
                K: Uniform(rng, h * kvd, 1.0 / Math.Sqrt(h)),
                V: Uniform(rng, h * kvd, 1.0 / Math.Sqrt(h)),
                O: Uniform(rng, qd * h, 1.0 / Math.Sqrt(qd)),
                PostAttentionNorm: NormWeights(rng, h),
                Gate: Uniform(rng, h * inter, 1.0 / Math.Sqrt(h)),
                Up: Uniform(rng, h * inter, 1.0 / Math.Sqrt(h)),
                Down: Uniform(rng, inter * h, 1.0 / Math.Sqrt(inter))));
        }
        var finalNorm = NormWeights(rng, h);
        // A larger head scale spreads the logits so greedy decoding has clear winners (fewer near-ties).
        var lmHead = config.TieWordEmbeddings ? Transpose(embedding, vocab, h) : Uniform(rng, h * vocab, 3.0 / Math.Sqrt(h));
        var (cos, sin) = RopeTables(config);
        return new TinyLlamaWeights(config, embedding, layers, finalNorm, lmHead, cos, sin);
    }

    /// <summary>
    /// Rotary tables in the Hugging Face Llama convention: inv_freq[i] = 1 / theta^(2i/d) and the
    /// frequency vector repeated for both halves, so rotate_half pairs element i with i + d/2.
    /// </summary>
    public static (float[] Cos, float[] Sin) RopeTables(TinyLlamaConfig config)
    {
        int d = config.HeadDim, half = d / 2, n = config.MaxPositionEmbeddings;
        var cos = new float[n * d];
        var sin = new float[n * d];
        for (var p = 0; p < n; p++)
        {
            for (var i = 0; i < half; i++)
            {
                var invFreq = 1.0 / Math.Pow(config.RopeTheta, 2.0 * i / d);
                var angle = p * invFreq;
                var c = (float)Math.Cos(angle);
                var s = (float)Math.Sin(angle);
                cos[p * d + i] = cos[p * d + i + half] = c;
                sin[p * d + i] = sin[p * d + i + half] = s;
            }
        }
        return (cos, sin);
    }

    private static float[] Uniform(SplitMix64 rng, int count, double std)
    {
        // A uniform on [-a, a] has standard deviation a / sqrt(3).
        var a = std * Math.Sqrt(3.0);
        var values = new float[count];
        for (var i = 0; i < count; i++) values[i] = (float)((rng.NextDouble() * 2.0 - 1.0) * a);
        return values;
    }

    private static float[] NormWeights(SplitMix64 rng, int count)
    {
        // Not all ones, so a graph that forgot the norm scale would fail the parity test.
        var values = new float[count];
        for (var i = 0; i < count; i++) values[i] = (float)(0.8 + 0.4 * rng.NextDouble());
        return values;
    }

    private static float[] Transpose(float[] m, int rows, int cols)
    {
        var t = new float[m.Length];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < cols; c++)
                t[c * rows + r] = m[r * cols + c];
        return t;
    }
}
