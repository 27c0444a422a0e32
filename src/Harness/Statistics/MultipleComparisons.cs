namespace BioEval.Harness.Statistics;

/// <summary>How the p-values of a run's many comparisons (tasks × pairs × headline metrics) are adjusted.</summary>
public enum Adjustment
{
    /// <summary>Holm's step-down method: controls the family-wise error rate.</summary>
    Holm,

    /// <summary>Benjamini–Hochberg: controls the false discovery rate.</summary>
    BenjaminiHochberg,
}

/// <summary>Adjusted p-values, as statsmodels' <c>multipletests</c> computes them ("holm", "fdr_bh").</summary>
public static class MultipleComparisons
{
    public static double[] Adjust(IReadOnlyList<double> pValues, Adjustment method) => method switch
    {
        Adjustment.Holm => Holm(pValues),
        Adjustment.BenjaminiHochberg => BenjaminiHochberg(pValues),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    /// <summary>Holm: sorted ascending, the k-th (1-based) becomes max over j ≤ k of min(1, (m − j + 1)·p(j)).</summary>
    public static double[] Holm(IReadOnlyList<double> pValues)
    {
        var order = Order(pValues);
        var m = order.Length;
        var adjusted = new double[m];
        var running = 0.0;
        for (var k = 0; k < m; k++)
        {
            running = Math.Max(running, Math.Min(1.0, (m - k) * pValues[order[k]]));
            adjusted[order[k]] = running;
        }
        return adjusted;
    }

    /// <summary>Benjamini–Hochberg: sorted ascending, the k-th becomes min over j ≥ k of min(1, m/j·p(j)).</summary>
    public static double[] BenjaminiHochberg(IReadOnlyList<double> pValues)
    {
        var order = Order(pValues);
        var m = order.Length;
        var adjusted = new double[m];
        var running = 1.0;
        for (var k = m - 1; k >= 0; k--)
        {
            running = Math.Min(running, Math.Min(1.0, (double)m / (k + 1) * pValues[order[k]]));
            adjusted[order[k]] = running;
        }
        return adjusted;
    }

    private static int[] Order(IReadOnlyList<double> pValues)
    {
        for (var i = 0; i < pValues.Count; i++)
            if (!(pValues[i] >= 0 && pValues[i] <= 1)) throw new ArgumentException($"p-value {i} is {pValues[i]}, not in [0, 1].", nameof(pValues));
        // Stable: equal p-values keep their input order, as numpy's mergesort does.
        return [.. Enumerable.Range(0, pValues.Count).OrderBy(i => pValues[i])];
    }
}
