using System.Runtime.InteropServices;
using System.Text;

namespace BioEval.Harness.Metrics.Umls;

/// <summary>One concept found in a text.</summary>
/// <param name="Cui">The concept's CUI.</param>
/// <param name="Name">Its canonical (preferred) name.</param>
/// <param name="Text">The matched tokens, normalised (abbreviations expanded).</param>
public sealed record UmlsMatch(string Cui, string Name, string Text);

/// <summary>
/// The UMLS lexicon as the concept F1 uses it: normalised aliases → concept, and each concept's CUI and canonical
/// name. Created once (built from MRCONSO.RRF or loaded from its cache file, see <see cref="UmlsIndexCache"/>) and
/// shared; it holds only managed arrays, so it needs no disposal, and it is safe to use from several threads.
/// </summary>
/// <remarks>
/// Aliases are stored as 64-bit fingerprints of their normalised token sequences (<see cref="UmlsText"/>), with, per
/// first token, the longest alias starting with it. Matching goes left to right: at each token it tries the longest
/// possible alias first, down to one token; a match is taken and scanning resumes after it, so spans never overlap
/// and "type 2 diabetes mellitus" is one concept, not "diabetes mellitus" plus leftovers.
/// </remarks>
public sealed class UmlsIndex
{
    /// <summary>Version of the file layout and of every rule that decides its content (tokens, abbreviations, skip list, names).</summary>
    public const int FormatVersion = 1;

    private static ReadOnlySpan<byte> Magic => "BEUMLSIX"u8;
    private static ReadOnlySpan<byte> EndMark => "END."u8;

    private readonly FingerprintTable _aliases;
    private readonly FingerprintTable _firstTokens;
    private readonly byte[] _cuis;
    private readonly int[] _cuiOffsets;
    private readonly byte[] _names;
    private readonly int[] _nameOffsets;

    internal UmlsIndex(FingerprintTable aliases, FingerprintTable firstTokens, byte[] cuis, int[] cuiOffsets, byte[] names, int[] nameOffsets) =>
        (_aliases, _firstTokens, _cuis, _cuiOffsets, _names, _nameOffsets) = (aliases, firstTokens, cuis, cuiOffsets, names, nameOffsets);

    /// <summary>Concepts (CUIs with at least one kept row).</summary>
    public int ConceptCount => _cuiOffsets.Length - 1;

    /// <summary>Distinct normalised aliases indexed.</summary>
    public int AliasCount => _aliases.Count;

    /// <summary>Bytes of the index's arrays in memory.</summary>
    public long Bytes => _aliases.Bytes + _firstTokens.Bytes + _cuis.Length + _names.Length + 4L * (_cuiOffsets.Length + _nameOffsets.Length);

    /// <summary>Streams <paramref name="mrconsoPath"/> once and builds the index of its kept rows.</summary>
    /// <exception cref="Datasets.DatasetFormatException">a malformed line (file:line)</exception>
    public static UmlsIndex Build(string mrconsoPath, UmlsLexiconOptions? options = null)
    {
        var builder = new UmlsIndexBuilder();
        using (var reader = new MrconsoReader(mrconsoPath, options))
            while (reader.Read()) builder.Add(reader);
        return builder.Finish();
    }

    /// <summary>The CUI of concept <paramref name="concept"/>.</summary>
    public string Cui(int concept) => Encoding.UTF8.GetString(_cuis.AsSpan(_cuiOffsets[concept].._cuiOffsets[concept + 1]));

    /// <summary>The canonical name of concept <paramref name="concept"/>.</summary>
    public string Name(int concept) => Encoding.UTF8.GetString(_names.AsSpan(_nameOffsets[concept].._nameOffsets[concept + 1]));

    /// <summary>The concepts of <paramref name="text"/>, in text order, longest match first (see the remarks).</summary>
    public IReadOnlyList<UmlsMatch> Match(string text)
    {
        var matches = new List<UmlsMatch>();
        Scan(text, (concept, span) => matches.Add(new UmlsMatch(Cui(concept), Name(concept), span.ToString())));
        return matches;
    }

    /// <summary>The set of canonical names of the concepts in <paramref name="text"/>: what the concept F1 compares.</summary>
    public IReadOnlySet<string> ConceptNames(string text)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        Scan(text, (concept, _) => names.Add(Name(concept)));
        return names;
    }

    private delegate void OnMatch(int concept, ReadOnlySpan<char> normalized);

    private void Scan(string text, OnMatch onMatch)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new UmlsText.TokenBuffer();
        tokens.Fill(text);
        for (var i = 0; i < tokens.Count;)
        {
            var matched = 0;
            if (_firstTokens.TryGetValue(UmlsText.Fingerprint(tokens.Span(i, 1)), out var longest))
            {
                for (var length = Math.Min(longest, tokens.Count - i); length > 0; length--)
                {
                    var span = tokens.Span(i, length);
                    if (!_aliases.TryGetValue(UmlsText.Fingerprint(span), out var concept)) continue;
                    onMatch(concept, span);
                    matched = length;
                    break;
                }
            }
            i += Math.Max(matched, 1);
        }
    }

    /// <summary>
    /// Writes the index to <paramref name="path"/> (little-endian; through a temporary file, so a reader never sees
    /// half a file), stamped with <paramref name="stamp"/>, which <see cref="Load"/> can require.
    /// </summary>
    public void Save(string path, string stamp = "")
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(stamp);
        RequireLittleEndian();
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Magic);
                writer.Write(FormatVersion);
                writer.Write(stamp);
                WriteBlob(writer, _cuis, _cuiOffsets);
                WriteBlob(writer, _names, _nameOffsets);
                _aliases.Write(writer);
                _firstTokens.Write(writer);
                writer.Write(EndMark);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Reads a file <see cref="Save"/> wrote.</summary>
    /// <exception cref="InvalidDataException">not an index file of this <see cref="FormatVersion"/>, truncated, or not stamped <paramref name="expectedStamp"/></exception>
    public static UmlsIndex Load(string path, string? expectedStamp = null)
    {
        RequireLittleEndian();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            Span<byte> magic = stackalloc byte[Magic.Length];
            stream.ReadExactly(magic);
            if (!magic.SequenceEqual(Magic)) throw new InvalidDataException($"{path} is not a BioEval UMLS index.");
            var version = reader.ReadInt32();
            if (version != FormatVersion) throw new InvalidDataException($"{path} is a UMLS index of format {version}, not {FormatVersion}.");
            var stamp = reader.ReadString();
            if (expectedStamp is not null && stamp != expectedStamp)
                throw new InvalidDataException($"{path} was built from another lexicon or with other options.");
            var (cuis, cuiOffsets) = ReadBlob(reader, Remaining(stream));
            var (names, nameOffsets) = ReadBlob(reader, Remaining(stream));
            if (nameOffsets.Length != cuiOffsets.Length) throw new InvalidDataException($"{path}: the name and CUI tables differ in length.");
            var aliases = FingerprintTable.Read(reader, Remaining(stream));
            var firstTokens = FingerprintTable.Read(reader, Remaining(stream));
            Span<byte> end = stackalloc byte[EndMark.Length];
            stream.ReadExactly(end);
            if (!end.SequenceEqual(EndMark) || stream.Position != stream.Length) throw new InvalidDataException($"{path} does not end where its tables do.");
            return new UmlsIndex(aliases, firstTokens, cuis, cuiOffsets, names, nameOffsets);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path} is truncated.", e);
        }
    }

    private static long Remaining(Stream stream) => stream.Length - stream.Position;

    private static void WriteBlob(BinaryWriter writer, byte[] bytes, int[] offsets)
    {
        writer.Write(offsets.Length);
        writer.Write(bytes.Length);
        writer.Flush();
        writer.BaseStream.Write(MemoryMarshal.AsBytes(offsets.AsSpan()));
        writer.BaseStream.Write(bytes);
    }

    private static (byte[] Bytes, int[] Offsets) ReadBlob(BinaryReader reader, long remaining)
    {
        var count = reader.ReadInt32();
        var length = reader.ReadInt32();
        if (count < 1 || length < 0 || count * 4L + length > remaining) throw new InvalidDataException("A string table does not fit the file.");
        var offsets = new int[count];
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(offsets.AsSpan()));
        var bytes = new byte[length];
        reader.BaseStream.ReadExactly(bytes);
        if (offsets[0] != 0 || offsets[^1] != length) throw new InvalidDataException("A string table's offsets do not cover it.");
        for (var i = 1; i < count; i++)
            if (offsets[i] < offsets[i - 1]) throw new InvalidDataException("A string table's offsets go backwards.");
        return (bytes, offsets);
    }

    private static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("UMLS index files are little-endian; this machine is not.");
    }
}
