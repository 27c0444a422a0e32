using System.Diagnostics;
using BioEval.Harness.Metrics;

namespace BioEval.Cli.Verbs;

/// <summary>
/// <c>bioeval bench rouge</c>: BioEval's whole ROUGE (tokenising, ROUGE-1/2, ROUGE-L) of a long prediction against a
/// 100-word reference, and its ROUGE-L table beside the peer a straightforward port would use: the textbook LCS table
/// over the token strings (two rolling rows), on the same tokens, in the same process.
/// </summary>
internal static class RougeBench
{
    public static (double Whole, double Lcs, double Textbook, double RougeL) Run(int words)
    {
        var random = new Random(1);
        var reference = string.Join(' ', Enumerable.Range(0, 100).Select(_ => "w" + random.Next(500)));
        var prediction = string.Join(' ', Enumerable.Range(0, words).Select(_ => "w" + random.Next(5_000)));
        Rouge.Score("a b", "a b"); // JIT warm-up

        var clock = Stopwatch.StartNew();
        var score = Rouge.Score(reference, prediction);
        var whole = clock.Elapsed.TotalSeconds;

        var r = Rouge.Tokenize(reference);
        var p = Rouge.Tokenize(prediction);
        clock.Restart();
        var ours = Rouge.LcsLength(r, p);
        var lcs = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var plain = TextbookLcs(r, p);
        var textbook = clock.Elapsed.TotalSeconds;
        if (ours != plain) throw new InvalidOperationException("The two LCS computations disagree.");
        return (whole, lcs, textbook, score.RougeL.FMeasure);
    }

    private static int TextbookLcs(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var previous = new int[b.Count + 1];
        var current = new int[b.Count + 1];
        for (var i = 1; i <= a.Count; i++)
        {
            for (var j = 1; j <= b.Count; j++)
                current[j] = string.Equals(a[i - 1], b[j - 1], StringComparison.Ordinal) ? previous[j - 1] + 1 : Math.Max(previous[j], current[j - 1]);
            (previous, current) = (current, previous);
        }
        return previous[b.Count];
    }
}
