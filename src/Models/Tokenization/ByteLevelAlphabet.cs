namespace BioEval.Models.Tokenization;

/// <summary>
/// GPT-2's reversible byte-to-character table that byte-level BPE vocabularies are written in: printable
/// bytes stand for themselves, the others are shifted to U+0100 onwards (space becomes 'Ġ').
/// Gap filled: Microsoft.ML.Tokenizers applies this table inside BpeTokenizer but does not expose it, and
/// we need it to look pre-tokens up whole (ignore_merges) and to run the ByteLevel decoder.
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = Build();
    private static readonly Dictionary<char, byte> CharToByte =
        ByteToChar.Select((c, b) => (c, b)).ToDictionary(x => x.c, x => (byte)x.b);

    private static char[] Build()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            table[b] = printable ? (char)b : (char)next++;
        }
        return table;
    }

    /// <summary>The UTF-8 bytes of <paramref name="text"/>, each written as its table character.</summary>
    public static string Encode(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        return string.Create(bytes.Length, bytes, static (span, b) =>
        {
            for (var i = 0; i < b.Length; i++) span[i] = ByteToChar[b[i]];
        });
    }

    /// <summary>The bytes a token stands for, or null when a character is outside the table.</summary>
    public static byte[]? TryDecode(string token)
    {
        var bytes = new byte[token.Length];
        for (var i = 0; i < token.Length; i++)
        {
            if (!CharToByte.TryGetValue(token[i], out var b)) return null;
            bytes[i] = b;
        }
        return bytes;
    }
}
