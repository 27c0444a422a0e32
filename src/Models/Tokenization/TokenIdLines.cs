using System.Text;

namespace BioEval.Models.Tokenization;

/// <summary>
/// The logic of <c>bioeval tokenize</c>: one case per line of a UTF-8 file in, one compact <c>{"ids":[...]}</c>
/// line out, so parity with other implementations can be checked line by line.
/// </summary>
public static class TokenIdLines
{
    /// <summary>
    /// The lines of a UTF-8 file without their terminators ("\n" or "\r\n"); an empty line is a case (the
    /// empty text), but the terminator of the last line does not start another one.
    /// </summary>
    public static IReadOnlyList<string> ReadCases(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Input file '{path}' does not exist.", path);
        var text = File.ReadAllText(path, Encoding.UTF8);
        if (text.Length == 0) return [];
        var lines = text.Split('\n').Select(l => l.EndsWith('\r') ? l[..^1] : l).ToList();
        if (text.EndsWith('\n')) lines.RemoveAt(lines.Count - 1);
        return lines;
    }

    /// <summary>One JSON line per case of <paramref name="path"/>.</summary>
    public static IEnumerable<string> Encode(HfTokenizer tokenizer, string path, bool addSpecialTokens) =>
        ReadCases(path).Select(line => ToJson(tokenizer.Encode(line, addSpecialTokens)));

    public static string ToJson(IReadOnlyList<int> ids) => "{\"ids\":[" + string.Join(",", ids) + "]}";
}
