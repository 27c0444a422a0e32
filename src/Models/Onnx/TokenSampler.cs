namespace BioEval.Models.Onnx;

/// <summary>
/// Picks the next token from one row of logits. Scratch buffers are reused across calls so decoding a
/// large vocabulary does not allocate per token.
/// </summary>
public sealed class TokenSampler(int vocabSize)
{
    private readonly double[] _probs = new double[vocabSize];
    private readonly double[] _keys = new double[vocabSize];
    private readonly int[] _order = new int[vocabSize];

    /// <summary>
    /// Index of the largest logit (the first one on ties). Greedy decoding calls this for every row of every step, so
    /// the maximum is found with SIMD; the result equals <see cref="ArgMaxScalar"/>'s for every input (rows holding
    /// NaN take the scalar path, whose NaN handling the vector maximum would not reproduce).
    /// </summary>
    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        var width = System.Numerics.Vector<float>.Count;
        if (!System.Numerics.Vector.IsHardwareAccelerated || logits.Length < 2 * width) return ArgMaxScalar(logits);
        var max = new System.Numerics.Vector<float>(logits);
        var i = width;
        for (; i <= logits.Length - width; i += width)
        {
            var v = new System.Numerics.Vector<float>(logits[i..]);
            if (!System.Numerics.Vector.EqualsAll(v, v)) return ArgMaxScalar(logits);
            max = System.Numerics.Vector.Max(max, v);
        }
        if (!System.Numerics.Vector.EqualsAll(max, max)) return ArgMaxScalar(logits);
        var best = max[0];
        for (var k = 1; k < width; k++) if (max[k] > best) best = max[k];
        for (; i < logits.Length; i++)
        {
            if (float.IsNaN(logits[i])) return ArgMaxScalar(logits);
            if (logits[i] > best) best = logits[i];
        }
        // The first position holding the maximum (+0 and -0 compare equal, as in the scalar loop).
        var target = new System.Numerics.Vector<float>(best);
        var j = 0;
        for (; j <= logits.Length - width; j += width)
        {
            if (System.Numerics.Vector.EqualsAny(new System.Numerics.Vector<float>(logits[j..]), target))
                break;
        }
        for (; j < logits.Length; j++)
            if (logits[j] == best) return j;
        return ArgMaxScalar(logits);
    }

    /// <summary>The plain loop <see cref="ArgMax"/> must agree with: first index whose value no later value exceeds.</summary>
    public static int ArgMaxScalar(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++)
            if (logits[i] > logits[best]) best = i;
        return best;
    }

    /// <summary>Greedy when <paramref name="temperature"/> is 0, otherwise a temperature / top-p draw from <paramref name="rng"/>.</summary>
    public int Next(ReadOnlySpan<float> logits, float temperature, float topP, SplitMix64 rng)
    {
        if (temperature < 0 || float.IsNaN(temperature)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "Temperature must be 0 (greedy) or positive.");
        if (!(topP > 0 && topP <= 1)) throw new ArgumentOutOfRangeException(nameof(topP), topP, "TopP must be in (0, 1].");
        if (temperature == 0) return ArgMax(logits);

        var n = logits.Length;
        var max = logits[ArgMax(logits)];
        double total = 0;
        for (var i = 0; i < n; i++)
        {
            _probs[i] = Math.Exp((logits[i] - max) / (double)temperature);
            total += _probs[i];
        }

        if (topP >= 1)
        {
            var u = rng.NextDouble() * total;
            for (var i = 0; i < n; i++)
            {
                u -= _probs[i];
                if (u < 0) return i;
            }
            return ArgMax(logits);
        }

        // Most likely first; ties broken by the smaller id so the order is fully determined.
        for (var i = 0; i < n; i++)
        {
            _order[i] = i;
            _keys[i] = -_probs[i];
        }
        Array.Sort(_keys, _order, 0, n);
        var keep = 0;
        double kept = 0;
        while (keep < n && kept < topP * total)
        {
            kept += _probs[_order[keep]];
            keep++;
        }
        Array.Sort(_order, 0, keep);
        var draw = rng.NextDouble() * kept;
        for (var j = 0; j < keep; j++)
        {
            draw -= _probs[_order[j]];
            if (draw < 0) return _order[j];
        }
        return _order[keep - 1];
    }
}
