using System.Numerics;

namespace BioEval.Harness.Statistics;

/// <summary>Element-wise accumulation over the comparisons of a task, the inner loop of the resampling tests.</summary>
internal static class Vectors
{
    public static void Add(Span<double> acc, ReadOnlySpan<double> row)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i <= row.Length - Vector<double>.Count; i += Vector<double>.Count)
                (new Vector<double>(acc[i..]) + new Vector<double>(row[i..])).CopyTo(acc[i..]);
        for (; i < row.Length; i++) acc[i] += row[i];
    }

    public static void Subtract(Span<double> acc, ReadOnlySpan<double> row)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i <= row.Length - Vector<double>.Count; i += Vector<double>.Count)
                (new Vector<double>(acc[i..]) - new Vector<double>(row[i..])).CopyTo(acc[i..]);
        for (; i < row.Length; i++) acc[i] -= row[i];
    }
}
