using System.Text;
using System.Text.Unicode;
using BioEval.Harness.Datasets;

namespace BioEval.Harness.Metrics.Umls;

/// <summary>The 18 fields of an MRCONSO.RRF row, in file order.</summary>
public enum MrconsoField
{
    Cui, Lat, Ts, Lui, Stt, Sui, IsPref, Aui, Saui, Scui, Sdui, Sab, Tty, Code, Str, Srl, Suppress, Cvf,
}

/// <summary>
/// Streams the kept rows of an <c>MRCONSO.RRF</c> file without holding it: a full release has ~17 million rows in
/// several GB. The current row's fields are spans into the reader's buffer, valid until the next <see cref="Read"/>.
/// </summary>
/// <remarks>
/// Every line is checked, kept or not: strict UTF-8 (a byte-order mark at the start is dropped) and exactly 18 fields,
/// each ended by '|' (the format's trailing pipe); either failure is a <see cref="DatasetFormatException"/> naming
/// file:line. Line ends are \n or \r\n; nothing after the last line end is a line only when it is non-empty.
/// </remarks>
public sealed class MrconsoReader : IDisposable
{
    /// <summary>Fields per row.</summary>
    public const int FieldCount = 18;

    private static ReadOnlySpan<byte> English => "ENG"u8;

    private readonly Stream _stream;
    private readonly string _path;
    private readonly byte[][] _sources;
    private readonly int[] _bounds = new int[FieldCount + 1];
    private byte[] _buffer = new byte[1 << 20];
    private int _start;
    private int _end;
    private int _lineStart;
    private bool _eof;

    /// <summary>Opens <paramref name="path"/>; <paramref name="options"/> chooses the sources (default: all).</summary>
    public MrconsoReader(string path, UmlsLexiconOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"UMLS file not found: {path}", path);
        _path = path;
        _sources = [.. (options ?? new()).CanonicalSources().Select(Encoding.UTF8.GetBytes)];
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
    }

    /// <summary>The 1-based line number of the current row.</summary>
    public long LineNumber { get; private set; }

    /// <summary>The current row's value of <paramref name="field"/>, as UTF-8 bytes.</summary>
    public ReadOnlySpan<byte> Field(MrconsoField field) =>
        _buffer.AsSpan(_lineStart + _bounds[(int)field], _bounds[(int)field + 1] - _bounds[(int)field] - 1);

    /// <summary>The concept's id, e.g. C0020538.</summary>
    public ReadOnlySpan<byte> Cui => Field(MrconsoField.Cui);

    /// <summary>The string, as written.</summary>
    public ReadOnlySpan<byte> Text => Field(MrconsoField.Str);

    /// <summary>Whether the row is its concept's preferred name: TS = P, STT = PF and ISPREF = Y.</summary>
    public bool IsPreferredName =>
        Field(MrconsoField.Ts).SequenceEqual("P"u8) && Field(MrconsoField.Stt).SequenceEqual("PF"u8) && Field(MrconsoField.IsPref).SequenceEqual("Y"u8);

    /// <summary>Moves to the next kept row; false at the end of the file.</summary>
    /// <exception cref="DatasetFormatException">a line that is not valid UTF-8 or does not have 18 fields</exception>
    public bool Read()
    {
        while (NextLine(out var length))
        {
            var line = _buffer.AsSpan(_lineStart, length);
            if (!Utf8.IsValid(line))
            {
                Utf8.ToUtf16(line, new char[length], out var valid, out _, replaceInvalidSequences: false);
                throw new DatasetFormatException($"{_path}:{LineNumber}: invalid UTF-8 at byte {valid + 1} of the line; MRCONSO.RRF is UTF-8.");
            }
            SplitFields(line);
            if (Keep()) return true;
        }
        return false;
    }

    private void SplitFields(ReadOnlySpan<byte> line)
    {
        var position = 0;
        for (var f = 0; f < FieldCount; f++)
        {
            _bounds[f] = position;
            var pipe = line[position..].IndexOf((byte)'|');
            if (pipe < 0) throw FieldCountError(line);
            position += pipe + 1;
        }
        _bounds[FieldCount] = position;
        if (position != line.Length) throw FieldCountError(line);
        if (_bounds[1] == 1) throw new DatasetFormatException($"{_path}:{LineNumber}: the CUI (field 1) is empty.");
    }

    private DatasetFormatException FieldCountError(ReadOnlySpan<byte> line) => new(
        $"{_path}:{LineNumber}: expected {FieldCount} fields each ended by '|' (CUI|LAT|TS|LUI|STT|SUI|ISPREF|AUI|SAUI|SCUI|SDUI|SAB|TTY|CODE|STR|SRL|SUPPRESS|CVF|), " +
        $"found {line.Count((byte)'|')} '|' in a line of {line.Length} bytes.");

    private bool Keep()
    {
        if (!Field(MrconsoField.Lat).SequenceEqual(English)) return false;
        if (Field(MrconsoField.Suppress) is [(byte)'O' or (byte)'E' or (byte)'Y']) return false;
        if (_sources.Length == 0) return true;
        var sab = Field(MrconsoField.Sab);
        foreach (var s in _sources)
            if (sab.SequenceEqual(s)) return true;
        return false;
    }

    /// <summary>Finds the next line in the buffer, refilling it from the file as needed; its start is <see cref="_lineStart"/>.</summary>
    private bool NextLine(out int length)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline < 0 && !_eof)
            {
                Refill();
                continue;
            }
            if (newline < 0 && _start == _end)
            {
                length = 0;
                return false;
            }
            _lineStart = _start;
            length = newline < 0 ? _end - _start : newline;
            _start += newline < 0 ? length : length + 1;
            if (length > 0 && _buffer[_lineStart + length - 1] == '\r') length--;
            LineNumber++;
            return true;
        }
    }

    private void Refill()
    {
        var pending = _end - _start;
        if (pending == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        else if (_start > 0) _buffer.AsSpan(_start, pending).CopyTo(_buffer);
        _start = 0;
        _end = pending;
        var first = LineNumber == 0 && _end == 0;
        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0) _eof = true;
        _end += read;
        if (first && _buffer.AsSpan(0, _end).StartsWith("\uFEFF"u8)) _start = 3;
    }

    public void Dispose() => _stream.Dispose();
}
