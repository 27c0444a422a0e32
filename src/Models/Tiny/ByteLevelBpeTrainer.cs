using System.Text;
using System.Text.RegularExpressions;

namespace BioEval.Models.Tiny;

/// <summary>
/// Learns byte-level BPE merges from text, deterministically: the most frequent adjacent pair wins,
/// ties go to the ordinally smallest pair, so the result depends only on the text and the merge count.
/// </summary>
public static partial class ByteLevelBpeTrainer
{
    /// <summary>
    /// The GPT-2 pre-tokenisation pattern, which Hugging Face ByteLevel applies when use_regex is true;
    /// training must split the same way the tokenizer will.
    /// </summary>
    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+", RegexOptions.CultureInvariant)]
    private static partial Regex PreTokenizer();

    /// <summary>The byte-to-character map of byte-level BPE: printable bytes map to themselves, the rest to U+0100 onwards.</summary>
    public static string[] ByteSymbols()
    {
        var symbols = new string[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            symbols[b] = ((char)(printable ? b : next++)).ToString();
        }
        return symbols;
    }

    /// <summary>Up to <paramref name="mergeCount"/> merges as (left, right) symbol pairs; stops early when no pair occurs twice.</summary>
    public static IReadOnlyList<(string Left, string Right)> Train(string text, int mergeCount)
    {
        var symbols = ByteSymbols();
        var wordCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match m in PreTokenizer().Matches(text))
        {
            wordCounts[m.Value] = wordCounts.GetValueOrDefault(m.Value) + 1;
        }
        var words = wordCounts
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (Pieces: Encoding.UTF8.GetBytes(kv.Key).Select(b => symbols[b]).ToList(), Count: kv.Value))
            .ToList();

        // A merge whose result already exists (ab+c after a+bc) would add no vocabulary entry; skipping such
        // pairs keeps vocabulary size = 256 + merge count.
        var known = new HashSet<string>(symbols, StringComparer.Ordinal);
        var merges = new List<(string, string)>();
        while (merges.Count < mergeCount)
        {
            var pairCounts = new Dictionary<(string, string), int>();
            foreach (var (pieces, count) in words)
                for (var i = 0; i + 1 < pieces.Count; i++)
                    pairCounts[(pieces[i], pieces[i + 1])] = pairCounts.GetValueOrDefault((pieces[i], pieces[i + 1])) + count;
                        var best = pairCounts
                .Where(kv => !known.Contains(kv.Key.Item1 + kv.Key.Item2))
                .OrderByDescending(kv => kv.Value)
                .ThenBy(kv => kv.Key.Item1, StringComparer.Ordinal)
                .ThenBy(kv => kv.Key.Item2, StringComparer.Ordinal)
                .FirstOrDefault();
            if (best.Value < 2) break;
            var (left, right) = best.Key;
            merges.Add((left, right));
            known.Add(left + right);
            foreach (var (pieces, _) in words)
            {
                for (var i = 0; i + 1 < pieces.Count; i++)
                {
                    if (pieces[i] == left && pieces[i + 1] == right)
                    {
                        pieces[i] = left + right;
                        pieces.RemoveAt(i + 1);
                    }
                }
            }
        }
        return merges;
    }
}
