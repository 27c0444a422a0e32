using System.Buffers;
using System.Text.Unicode;

namespace BioEval.Harness.Datasets;

/// <summary>
/// How every text dataset file is read: as strict UTF-8, a byte-order mark accepted and dropped. Invalid UTF-8 is an
/// error naming the file, the line and the byte offset, where a lenient decoder would turn it into U+FFFD and the run
/// would score text nobody wrote.
/// </summary>
public static class DatasetText
{
    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>The file's bytes without a BOM, checked to be valid UTF-8.</summary>
    /// <exception cref="FileNotFoundException">no such file</exception>
    /// <exception cref="DatasetFormatException">invalid UTF-8 (file, line, byte offset)</exception>
    public static byte[] ReadUtf8(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Dataset file not found: {path}", path);
        var bytes = File.ReadAllBytes(path);
        if (bytes.AsSpan().StartsWith(Bom)) bytes = bytes[Bom.Length..];
        Check(bytes, path);
        return bytes;
    }

    /// <summary>The file's text (strict UTF-8, without a BOM).</summary>
    public static string ReadText(string path) => System.Text.Encoding.UTF8.GetString(ReadUtf8(path));

    /// <summary>The file's lines, without their line ends (\n or \r\n).</summary>
    public static IReadOnlyList<string> ReadLines(string path)
    {
        var text = ReadText(path);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
            if (lines[i].EndsWith('\r')) lines[i] = lines[i][..^1];
        // A final line end does not start another line.
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }

    /// <summary>
    /// A value for an error message: quoted when it is a short single word (a label, a code), else only its length, so
    /// messages about a restricted file never carry its text.
    /// </summary>
    public static string Quote(string value) =>
        value.Length <= 24 && !value.Any(char.IsWhiteSpace) ? $"'{value}'" : $"a text of {value.Length} characters";

    /// <summary>Throws naming the first invalid UTF-8 sequence of <paramref name="bytes"/>.</summary>
    public static void Check(ReadOnlySpan<byte> bytes, string path)
    {
        if (Utf8.IsValid(bytes)) return;
        var chars = ArrayPool<char>.Shared.Rent(Math.Max(1, bytes.Length));
        try
        {
            Utf8.ToUtf16(bytes, chars, out var offset, out _, replaceInvalidSequences: false);
            var line = 1 + bytes[..offset].Count((byte)'\n');
            throw new DatasetFormatException($"{path}:{line}: invalid UTF-8 at byte offset {offset} (0x{bytes[offset]:X2}); save the file as UTF-8.");
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}
