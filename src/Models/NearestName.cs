namespace BioEval.Models;

/// <summary>The closest known name to a misspelt one, for "did you mean" hints.</summary>
public static class NearestName
{
    /// <summary>" (did you mean X?)" for the known name nearest to <paramref name="name"/>, or "" when none is close.</summary>
    public static string Hint(string name, IEnumerable<string> known)
    {
        var best = known
            .Select(k => (Name: k, Distance: string.Equals(k, name, StringComparison.OrdinalIgnoreCase) ? 0 : Distance(name.ToUpperInvariant(), k.ToUpperInvariant())))
            .OrderBy(x => x.Distance).ThenBy(x => x.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        // Close means: at most a third of the name's length edited (one edit for short names), and not all of it (BIOEVAL_LIMT -> BIOEVAL_LIMIT, but not any name -> any other).
        return best.Name is not null && best.Distance <= Math.Max(1, name.Length / 3) && best.Distance < name.Length ? $" (did you mean {best.Name}?)" : "";
    }

    /// <summary>Levenshtein distance with adjacent transpositions counted as one edit (optimal string alignment).</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
