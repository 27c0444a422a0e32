using BioEval.Models.Onnx;

namespace BioEval.TestSupport;

/// <summary>
/// How the tests compare what two engines or kernels compute, so that no verdict depends on the machine. Two float32
/// implementations agree only within a tolerance (summation order, SIMD width and fused multiply-add differ between
/// CPUs and libraries), so:
/// <list type="bullet">
/// <item>logits are compared within a stated tolerance, never bit for bit;</item>
/// <item>ranks are compared only between candidates whose logits differ by more than the tolerance: a near-tie may
/// come out either way;</item>
/// <item>greedy tokens are compared only over the steps whose top-2 margin exceeds the tolerance, up to the first
/// near-tie: after it the engines may legitimately continue from different tokens.</item>
/// </list>
/// </summary>
internal static class LogitAgreement
{
    /// <summary>Largest |expected − actual| and the index where it occurs.</summary>
    public static (float Max, int At) MaxDifference(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        if (expected.Length != actual.Length) throw new ArgumentException($"Lengths differ: {expected.Length} and {actual.Length}.");
        var (max, at) = (0f, -1);
        for (var i = 0; i < expected.Length; i++)
        {
            var d = MathF.Abs(expected[i] - actual[i]);
            if (d > max || float.IsNaN(d)) (max, at) = (float.IsNaN(d) ? float.PositiveInfinity : d, i);
        }
        return (max, at);
    }

    /// <summary>
    /// Null when <paramref name="actual"/> ranks <paramref name="expected"/>'s top <paramref name="k"/> as expected
    /// does wherever the order is decided: each of those candidates must stay above every token it led by more than
    /// <paramref name="tolerance"/>. Candidates closer than that may swap (and a near-tie at rank k may bring another
    /// token into the top k). Otherwise a description of the first disagreement.
    /// </summary>
    public static string? RankDisagreement(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, int k, float tolerance)
    {
        foreach (var i in TopK(expected, k))
            for (var j = 0; j < expected.Length; j++)
                if (j != i && expected[i] - expected[j] > tolerance && !(actual[i] > actual[j]))
                    return $"token {i} led token {j} by {expected[i] - expected[j]:G3} (> {tolerance:G3}) but comes out " +
                           $"{actual[i]:G9} vs {actual[j]:G9}";
        return null;
    }

    /// <summary>Indices of the <paramref name="k"/> largest values, largest first (ties by lower index).</summary>
    public static int[] TopK(ReadOnlySpan<float> values, int k)
    {
        var copy = values.ToArray();
        return [.. Enumerable.Range(0, copy.Length).OrderByDescending(i => copy[i]).ThenBy(i => i).Take(k)];
    }

    /// <summary>Largest minus second-largest value of one row of logits.</summary>
    public static float TopTwoMargin(ReadOnlySpan<float> row)
    {
        float first = float.NegativeInfinity, second = float.NegativeInfinity;
        foreach (var x in row)
        {
            if (x > first) (first, second) = (x, first);
            else if (x > second) second = x;
        }
        return first - second;
    }

    /// <summary>
    /// How many leading steps of BioEval's greedy <paramref name="continuation"/> of <paramref name="prompt"/> are
    /// decided: their top-2 margin exceeds <paramref name="tolerance"/>, so any engine within the tolerance picks the
    /// same token. The margins come from one pass over prompt + continuation, which also gives the step after the
    /// continuation (the one that stopped it, or would have gone on). The result is at most
    /// <c>continuation.Count + 1</c>; that value means every decision of the row is decided, stop included.
    /// </summary>
    public static int DecidedSteps(OnnxDecoderSession session, IReadOnlyList<int> prompt, IReadOnlyList<int> continuation, float tolerance)
    {
        var tokens = prompt.Concat(continuation).Select(t => (long)t).ToArray();
        var n = tokens.Length;
        using var state = session.CreateState(1);
        session.Forward(state, tokens, Enumerable.Repeat(1L, n).ToArray(), Enumerable.Range(0, n).Select(p => (long)p).ToArray(), n);
        var logits = session.CopyAllLogits(state);
        var v = session.VocabSize;
        var steps = 0;
        for (var row = prompt.Count - 1; row < n; row++, steps++)
            if (TopTwoMargin(logits.AsSpan(row * v, v)) <= tolerance) break;
        return steps;
    }

    /// <summary>
    /// Greedy continuations of one prompt by two engines agree: token for token (and in length) when every decision is
    /// decided (<paramref name="decided"/> = expected.Count + 1), else on the decided leading steps.
    /// </summary>
    public static void AssertGreedyAgrees(IReadOnlyList<int> expected, IReadOnlyList<int> actual, int decided, string context)
    {
        var show = $"{context}: expected [{string.Join(' ', expected)}], got [{string.Join(' ', actual)}]";
        if (decided > expected.Count)
        {
            Assert.True(expected.SequenceEqual(actual), show);
            return;
        }
        Assert.True(actual.Count >= decided && expected.Take(decided).SequenceEqual(actual.Take(decided)),
            $"{show}; the first {decided} steps are decided (top-2 margin above the tolerance) and must agree");
    }
}
