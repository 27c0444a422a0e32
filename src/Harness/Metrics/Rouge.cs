using System.Text;

namespace BioEval.Harness.Metrics;

/// <summary>Precision, recall and F-measure of one ROUGE type for one example.</summary>
public readonly record struct RougeScore(double Precision, double Recall, double FMeasure);

/// <summary>The three ROUGE types the reference keeps (rougeLsum is computed there and discarded).</summary>
public sealed record RougeScores(RougeScore Rouge1, RougeScore Rouge2, RougeScore RougeL);

/// <summary>
/// Per-example ROUGE exactly as Google's <c>rouge_score</c> 0.1.2 computes it with <c>use_stemmer=False</c> and its
/// default tokenizer, which is what Hugging Face <c>evaluate</c>'s "rouge" returns per example with
/// <c>use_aggregator=False</c> and what CLUE averages.
/// </summary>
/// <remarks>
/// Behaviour checked against the rouge_score source (rouge_scorer.py, tokenize.py, scoring.py):
/// <list type="bullet">
/// <item>Tokens: <c>text.lower()</c>, every run of characters outside <c>[a-z0-9]</c> becomes a space, split on
/// whitespace, keep tokens matching <c>^[a-z0-9]+$</c>. Non-ASCII letters therefore act as separators.</item>
/// <item>ROUGE-N: clipped overlap = sum over reference n-grams of min(count in reference, count in prediction);
/// P = overlap / max(#prediction n-grams, 1), R = overlap / max(#reference n-grams, 1). The max(…, 1) means an
/// empty side gives 0, never a division error; a one-token text has no bigrams, so its ROUGE-2 is 0.</item>
/// <item>ROUGE-L: sentence-level LCS over the whole token sequence (newlines are ordinary separators); if either
/// token list is empty all three values are 0. P = LCS / #prediction tokens, R = LCS / #reference tokens.</item>
/// <item>F = 2·P·R / (P + R), evaluated in that order, or 0 when P + R = 0. Two empty texts score 0, not 1.</item>
/// <item>The scorer is called as <c>score(target=reference, prediction=prediction)</c>; swapping them swaps P and R.</item>
/// </list>
/// </remarks>
public static class Rouge
{
    /// <summary>The default rouge_score tokens of <paramref name="text"/>.</summary>
    public static IReadOnlyList<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<string>();
        var current = new StringBuilder();
        foreach (var c in text)
        {
            switch (c)
            {
                case >= 'a' and <= 'z' or >= '0' and <= '9':
                    current.Append(c);
                    break;
                case >= 'A' and <= 'Z':
                    current.Append((char)(c + ('a' - 'A')));
                    break;
                // Python's str.lower() maps exactly two non-ASCII characters to ASCII letters: KELVIN SIGN to "k"
                // and LATIN CAPITAL LETTER I WITH DOT ABOVE to "i" + COMBINING DOT ABOVE (a separator). Every other
                // non-ASCII character stays non-ASCII after lower() and so becomes a separator.
                case '\u212A':
                    current.Append('k');
                    break;
                case '\u0130':
                    current.Append('i');
                    Flush();
                    break;
                default:
                    Flush();
                    break;
            }
        }
        Flush();
        return tokens;

        void Flush()
        {
            if (current.Length == 0) return;
            tokens.Add(current.ToString());
            current.Clear();
        }
    }

    /// <summary>ROUGE-1, ROUGE-2 and ROUGE-L of <paramref name="prediction"/> against <paramref name="reference"/>.</summary>
    public static RougeScores Score(string reference, string prediction)
    {
        var refTokens = Tokenize(reference);
        var predTokens = Tokenize(prediction);
        return new RougeScores(RougeN(refTokens, predTokens, 1), RougeN(refTokens, predTokens, 2),
            RougeL(refTokens, predTokens));
    }

    /// <summary>ROUGE-N on texts.</summary>
    public static RougeScore RougeN(string reference, string prediction, int n) =>
        RougeN(Tokenize(reference), Tokenize(prediction), n);

    /// <summary>ROUGE-L on texts.</summary>
    public static RougeScore RougeL(string reference, string prediction) =>
        RougeL(Tokenize(reference), Tokenize(prediction));

    /// <summary>ROUGE-N on token lists: clipped n-gram overlap.</summary>
    public static RougeScore RougeN(IReadOnlyList<string> referenceTokens, IReadOnlyList<string> predictionTokens, int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var refGrams = NGramCounts(referenceTokens, n);
        var predGrams = NGramCounts(predictionTokens, n);
        var overlap = 0;
        foreach (var (gram, count) in refGrams)
            overlap += Math.Min(count, predGrams.GetValueOrDefault(gram));
        var refTotal = Math.Max(referenceTokens.Count - n + 1, 0);
        var predTotal = Math.Max(predictionTokens.Count - n + 1, 0);
        var precision = (double)overlap / Math.Max(predTotal, 1);
        var recall = (double)overlap / Math.Max(refTotal, 1);
        return new RougeScore(precision, recall, FMeasure(precision, recall));
    }

    /// <summary>ROUGE-L on token lists: longest common subsequence, 0 if either side is empty.</summary>
    public static RougeScore RougeL(IReadOnlyList<string> referenceTokens, IReadOnlyList<string> predictionTokens)
    {
        if (referenceTokens.Count == 0 || predictionTokens.Count == 0) return new RougeScore(0, 0, 0);
        var lcs = LcsLength(referenceTokens, predictionTokens);
        var precision = (double)lcs / predictionTokens.Count;
        var recall = (double)lcs / referenceTokens.Count;
        return new RougeScore(precision, recall, FMeasure(precision, recall));
    }

    /// <summary>
    /// The largest ROUGE-L table computed: the product of the two token counts, after dropping tokens of the longer
    /// side that the shorter one lacks (they cannot be in a common subsequence). 2·10⁹ cells take a few seconds on one
    /// core; a larger pair is refused rather than left running for minutes. A 1,000,000-word text against a 100-word
    /// one is at most 10⁸ cells.
    /// </summary>
    public const long MaxLcsCells = 2_000_000_000;

    /// <summary>Length of the longest common subsequence of two token lists.</summary>
    /// <exception cref="ArgumentException">the texts are too long to compare (see <see cref="MaxLcsCells"/>)</exception>
    public static int LcsLength(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var (shorter, longer) = a.Count <= b.Count ? (a, b) : (b, a);
        if (shorter.Count == 0) return 0;
        // Tokens become ints (the shorter side's vocabulary); the longer side keeps only tokens the shorter one has.
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var s = new int[shorter.Count];
        for (var i = 0; i < s.Length; i++)
        {
            if (!ids.TryGetValue(shorter[i], out var id)) ids[shorter[i]] = id = ids.Count;
            s[i] = id;
        }
        var l = new List<int>();
        foreach (var token in longer)
            if (ids.TryGetValue(token, out var id)) l.Add(id);
        if ((long)l.Count * s.Length > MaxLcsCells)
            throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"ROUGE-L would compare {l.Count:N0} × {s.Length:N0} tokens, more than the {MaxLcsCells:N0} this scorer computes; shorten or split the texts."));

        // Two rolling rows of the classic DP table over the shorter side; only the final length is needed.
        var previous = new int[s.Length + 1];
        var current = new int[s.Length + 1];
        foreach (var x in l)
        {
            for (var j = 1; j <= s.Length; j++)
                current[j] = x == s[j - 1] ? previous[j - 1] + 1 : Math.Max(previous[j], current[j - 1]);
            (previous, current) = (current, previous);
        }
        return previous[s.Length];
    }

    /// <summary>rouge_score's F-measure: 2·P·R/(P+R) in that evaluation order, or 0 when P+R is 0.</summary>
    public static double FMeasure(double precision, double recall) =>
        precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;

    private static Dictionary<string, int> NGramCounts(IReadOnlyList<string> tokens, int n)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i + n <= tokens.Count; i++)
        {
            // Tokens are [a-z0-9]+, so a space joins them without ambiguity.
            var gram = n == 1 ? tokens[i] : n == 2 ? string.Concat(tokens[i], " ", tokens[i + 1]) : string.Join(' ', tokens.Skip(i).Take(n));
            counts[gram] = counts.GetValueOrDefault(gram) + 1;
        }
        return counts;
    }
}

/// <summary>
/// ROUGE-1/2/L F-measures of the parsed output against the sample's reference; the task score is the plain mean
/// of the per-example values (the reference's <c>np.mean</c>, no bootstrap aggregator).
/// </summary>
public sealed class RougeMetric : ISampleMetric
{
    public static readonly RougeMetric Instance = new();

    private static readonly IReadOnlyList<MetricInfo> OutputList =
        [new MetricInfo("rouge1"), new MetricInfo("rouge2"), new MetricInfo("rougeL", Headline: true)];

    public IReadOnlyList<MetricInfo> Outputs => OutputList;

    public IReadOnlyDictionary<string, double> Score(ScoringInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var s = Rouge.Score(input.Sample.Reference, input.Parsed);
        return new Dictionary<string, double>
        {
            ["rouge1"] = s.Rouge1.FMeasure,
            ["rouge2"] = s.Rouge2.FMeasure,
            ["rougeL"] = s.RougeL.FMeasure,
        };
    }
}
