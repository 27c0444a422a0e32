using System.Runtime.InteropServices;
using System.Text;

namespace BioEval.Harness.Metrics.Umls;

/// <summary>
/// Builds a <see cref="UmlsIndex"/> from kept MRCONSO rows in one pass, holding only fingerprints, CUIs and one name
/// per concept (never the aliases' text), so that 17 million rows fit in well under 2 GB.
/// </summary>
/// <remarks>
/// <para><b>Canonical name</b> of a CUI: the STR of its first kept row with TS = P, STT = PF and ISPREF = Y (the UMLS's
/// preferred name); a CUI without such a row is named by its first kept row. Only kept rows count, so a source
/// filter that drops the preferred row changes the name.</para>
/// <para><b>An alias shared by several CUIs</b> (normalised forms equal, e.g. "Cold") links to one: the first CUI in
/// file order that has it as a preferred-name row, else the first CUI in file order that has it at all.</para>
/// </remarks>
internal sealed class UmlsIndexBuilder
{
    // Alias values: the concept id, its top bit set when a preferred-name row gave the alias.
    private const int FromPreferred = int.MinValue;

    private readonly FingerprintTable _cuis = new();
    private readonly FingerprintTable _aliases = new(1 << 16);
    private readonly FingerprintTable _firstTokens = new(1 << 14);
    private readonly List<byte> _cuiBytes = [];
    private readonly List<int> _cuiOffsets = [0];
    private readonly List<byte> _nameBytes = [];
    private readonly List<long> _names = []; // per concept: start in _nameBytes << 24 | length
    private readonly List<bool> _preferredNamed = [];
    private readonly UmlsText.TokenBuffer _tokens = new();
    private char[] _chars = new char[1024];

    /// <summary>Adds the reader's current row.</summary>
    public void Add(MrconsoReader row)
    {
        var concept = ConceptOf(row.Cui);
        var preferred = row.IsPreferredName;
        var text = row.Text;
        if (concept == _names.Count)
        {
            _names.Add(AppendName(text));
            _preferredNamed.Add(preferred);
        }
        else if (preferred && !_preferredNamed[concept])
        {
            _names[concept] = AppendName(text);
            _preferredNamed[concept] = true;
        }

        if (_chars.Length < text.Length) _chars = new char[Math.Max(text.Length, _chars.Length * 2)];
        var length = Encoding.UTF8.GetChars(text, _chars);
        _tokens.Fill(_chars.AsSpan(0, length));
        if (UmlsText.IsSkipped(_tokens)) return;

        ref var alias = ref _aliases.GetOrAdd(UmlsText.Fingerprint(_tokens.Span(0, _tokens.Count)), out var added);
        if (added) alias = concept | (preferred ? FromPreferred : 0);
        else if ((alias & ~FromPreferred) == concept) alias |= preferred ? FromPreferred : 0;
        else if (preferred && (alias & FromPreferred) == 0) alias = concept | FromPreferred;

        ref var longest = ref _firstTokens.GetOrAdd(UmlsText.Fingerprint(_tokens.Span(0, 1)), out _);
        longest = Math.Max(longest, _tokens.Count);
    }

    private int ConceptOf(ReadOnlySpan<byte> cui)
    {
        ref var id = ref _cuis.GetOrAdd(UmlsText.Fingerprint(cui), out var added);
        if (added)
        {
            id = _cuiOffsets.Count - 1;
            _cuiBytes.AddRange(cui);
            _cuiOffsets.Add(_cuiBytes.Count);
            return id;
        }
        var stored = CollectionsMarshal.AsSpan(_cuiBytes)[_cuiOffsets[id].._cuiOffsets[id + 1]];
        if (!stored.SequenceEqual(cui))
            throw new InvalidDataException(
                $"CUIs {Encoding.UTF8.GetString(stored)} and {Encoding.UTF8.GetString(cui)} share a 64-bit fingerprint; the index cannot tell them apart.");
        return id;
    }

    private long AppendName(ReadOnlySpan<byte> text)
    {
        if (text.Length > 0xFFFFFF) throw new InvalidDataException($"A string of {text.Length} bytes is longer than any UMLS string.");
        long start = _nameBytes.Count;
        _nameBytes.AddRange(text);
        return start << 24 | (uint)text.Length;
    }

    /// <summary>The finished index; the builder is not used afterwards.</summary>
    public UmlsIndex Finish()
    {
        // Names are laid out again in concept order, dropping the first-row names a preferred name replaced.
        var allNames = CollectionsMarshal.AsSpan(_nameBytes);
        var offsets = new int[_names.Count + 1];
        long total = 0;
        for (var c = 0; c < _names.Count; c++) total += _names[c] & 0xFFFFFF;
        if (total > Array.MaxLength) throw new InvalidDataException($"The concept names take {total} bytes, more than one index can hold.");
        var names = new byte[total];
        var at = 0;
        for (var c = 0; c < _names.Count; c++)
        {
            var (start, length) = ((int)(_names[c] >> 24), (int)(_names[c] & 0xFFFFFF));
            allNames.Slice(start, length).CopyTo(names.AsSpan(at));
            at += length;
            offsets[c + 1] = at;
        }
        // Aliases keep only their concept; the preferred-row bit mattered while building.
        _aliases.MapValues(v => v & ~FromPreferred);
        return new UmlsIndex(_aliases, _firstTokens, [.. _cuiBytes], [.. _cuiOffsets], names, offsets);
    }
}
