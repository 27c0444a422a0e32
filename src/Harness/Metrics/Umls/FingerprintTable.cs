using System.Runtime.InteropServices;

namespace BioEval.Harness.Metrics.Umls;

/// <summary>
/// An open-addressing hash table from 64-bit fingerprints to ints (linear probing, key 0 = empty slot), kept as two
/// flat arrays so that an index of millions of aliases is two array reads from disk rather than millions of objects.
/// </summary>
/// <remarks>
/// The table stores fingerprints, not strings, as KenLM's probing tables do for n-grams: a text span that is not an
/// alias is taken for one only if its 64-bit fingerprint equals a stored one, about n / 2⁶⁴ per probe (~10⁻¹² with
/// 15 million aliases). The slot is the fingerprint's product with the capacity, high half (Lemire's fast range), so
/// any capacity works and the table grows by half when 70% full.
/// </remarks>
internal sealed class FingerprintTable
{
    private const double MaxLoad = 0.7;

    private ulong[] _keys;
    private int[] _values;

    public FingerprintTable(int capacity = 1024)
    {
        _keys = new ulong[Math.Max(capacity, 16)];
        _values = new int[_keys.Length];
    }

    private FingerprintTable(ulong[] keys, int[] values, int count) => (_keys, _values, Count) = (keys, values, count);

    /// <summary>Number of keys stored.</summary>
    public int Count { get; private set; }

    /// <summary>Bytes the table's arrays take.</summary>
    public long Bytes => _keys.Length * 12L;

    /// <summary>The value stored under <paramref name="key"/>, or false.</summary>
    public bool TryGetValue(ulong key, out int value)
    {
        for (var slot = Slot(key, _keys.Length); ; slot = slot + 1 == _keys.Length ? 0 : slot + 1)
        {
            var k = _keys[slot];
            if (k == key)
            {
                value = _values[slot];
                return true;
            }
            if (k == 0)
            {
                value = 0;
                return false;
            }
        }
    }

    /// <summary>The value slot of <paramref name="key"/>, added with value 0 when absent (<paramref name="added"/>).</summary>
    public ref int GetOrAdd(ulong key, out bool added)
    {
        if (Count + 1 > _keys.Length * MaxLoad) Grow();
        var slot = Find(_keys, key);
        added = _keys[slot] == 0;
        if (added)
        {
            _keys[slot] = key;
            Count++;
        }
        return ref _values[slot];
    }

    /// <summary>Replaces every stored value by <paramref name="map"/> of it.</summary>
    public void MapValues(Func<int, int> map)
    {
        for (var i = 0; i < _keys.Length; i++)
            if (_keys[i] != 0) _values[i] = map(_values[i]);
    }

    private static int Slot(ulong key, int capacity) => (int)Math.BigMul(key, (ulong)capacity, out _);

    private static int Find(ulong[] keys, ulong key)
    {
        var slot = Slot(key, keys.Length);
        while (keys[slot] != 0 && keys[slot] != key) slot = slot + 1 == keys.Length ? 0 : slot + 1;
        return slot;
    }

    private void Grow()
    {
        var size = (int)Math.Min(Array.MaxLength, _keys.Length + (long)_keys.Length / 2);
        if (size <= _keys.Length) throw new InvalidOperationException("The fingerprint table cannot grow further.");
        var keys = new ulong[size];
        var values = new int[size];
        for (var i = 0; i < _keys.Length; i++)
        {
            if (_keys[i] == 0) continue;
            var slot = Find(keys, _keys[i]);
            keys[slot] = _keys[i];
            values[slot] = _values[i];
        }
        (_keys, _values) = (keys, values);
    }

    /// <summary>Writes capacity, count and the two arrays (little-endian).</summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write(_keys.Length);
        writer.Write(Count);
        writer.Flush();
        writer.BaseStream.Write(MemoryMarshal.AsBytes(_keys.AsSpan()));
        writer.BaseStream.Write(MemoryMarshal.AsBytes(_values.AsSpan()));
    }

    /// <summary>Reads what <see cref="Write"/> wrote; <paramref name="remaining"/> bounds the sizes it may claim.</summary>
    public static FingerprintTable Read(BinaryReader reader, long remaining)
    {
        var capacity = reader.ReadInt32();
        var count = reader.ReadInt32();
        if (capacity < 16 || count < 0 || count >= capacity || capacity * 12L > remaining)
            throw new InvalidDataException($"Fingerprint table of {capacity} slots and {count} keys does not fit the file.");
        var keys = new ulong[capacity];
        var values = new int[capacity];
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(keys.AsSpan()));
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return new FingerprintTable(keys, values, count);
    }
}
