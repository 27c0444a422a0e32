using System.Runtime.InteropServices;
using System.Text;

namespace BioEval.Models.Gguf;

/// <summary>
/// Writes a GGUF version 3 file (little-endian): header, metadata, tensor infos, then the tensor data, each tensor
/// starting on a multiple of the alignment. Only float32 tensors, which is all a conversion that must not change a
/// single weight needs. Our own implementation of the published format, so the cross-check with llama.cpp does not
/// trust any converter but llama.cpp's reader itself.
/// </summary>
public sealed class GgufWriter
{
    public const uint Magic = 0x46554747; // "GGUF" read as a little-endian uint32
    public const uint Version = 3;
    public const uint DefaultAlignment = 32;
    public const string AlignmentKey = "general.alignment";

    private readonly List<KeyValuePair<string, GgufValue>> _metadata = [];
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly List<(string Name, ulong[] Dims, float[] Data)> _tensors = [];
    private readonly HashSet<string> _tensorNames = new(StringComparer.Ordinal);

    /// <summary>Tensor data alignment; also written as <c>general.alignment</c> when it is not the default.</summary>
    public uint Alignment { get; init; } = DefaultAlignment;

    public int TensorCount => _tensors.Count;

    /// <summary>Metadata pairs added so far (<c>general.alignment</c>, written only when not the default, not counted).</summary>
    public int MetadataCount => _metadata.Count;

    /// <summary>Adds a metadata pair; keys are ASCII, '.'-separated, and unique.</summary>
    public GgufWriter Add(string key, GgufValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (string.IsNullOrEmpty(key) || key.Length > ushort.MaxValue || key.Any(c => c > 127 || char.IsWhiteSpace(c)))
            throw new ArgumentException($"GGUF metadata key '{key}' must be non-empty printable ASCII without spaces.", nameof(key));
        if (key == AlignmentKey) throw new ArgumentException($"Set {nameof(Alignment)} instead of writing '{AlignmentKey}' by hand.", nameof(key));
        if (!_keys.Add(key)) throw new ArgumentException($"GGUF metadata key '{key}' is added twice.", nameof(key));
        _metadata.Add(new(key, value));
        return this;
    }

    /// <summary>
    /// Adds a float32 tensor given by its row-major <paramref name="shape"/> (outermost first); the file stores the
    /// dimensions reversed, as ggml counts them.
    /// </summary>
    public GgufWriter AddTensor(string name, float[] data, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (Encoding.UTF8.GetByteCount(name) is 0 or > 64) throw new ArgumentException($"GGUF tensor name '{name}' must be 1 to 64 bytes long.", nameof(name));
        if (!_tensorNames.Add(name)) throw new ArgumentException($"GGUF tensor '{name}' is added twice.", nameof(name));
        if (shape.Length is 0 or > 4 || shape.Any(d => d <= 0))
            throw new ArgumentException($"GGUF tensor '{name}': shape [{string.Join(", ", shape)}] must have 1 to 4 positive dimensions.", nameof(shape));
        var count = shape.Aggregate(1L, (a, d) => a * d);
        if (count != data.Length) throw new ArgumentException($"GGUF tensor '{name}': shape [{string.Join(", ", shape)}] holds {count} values but {data.Length} were given.", nameof(data));
        _tensors.Add((name, [.. shape.Reverse().Select(d => (ulong)d)], data));
        return this;
    }

    /// <summary>Writes the file to <paramref name="path"/> (replacing it).</summary>
    public void Write(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        Write(stream);
    }

    /// <summary>Writes the file to <paramref name="stream"/>.</summary>
    public void Write(Stream stream)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("The GGUF writer emits little-endian files and assumes a little-endian machine.");
        if (Alignment == 0 || Alignment % 8 != 0) throw new InvalidOperationException($"GGUF alignment {Alignment} must be a positive multiple of 8.");
        var metadata = new List<KeyValuePair<string, GgufValue>>(_metadata);
        if (Alignment != DefaultAlignment) metadata.Insert(0, new(AlignmentKey, GgufValue.UInt32(Alignment)));

        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(Version);
        w.Write((ulong)_tensors.Count);
        w.Write((ulong)metadata.Count);
        foreach (var (key, value) in metadata)
        {
            WriteString(w, key);
            w.Write((uint)value.Type);
            WriteValue(w, value.Type, value.Value, value.ElementType, key);
        }

        ulong offset = 0;
        foreach (var (name, dims, data) in _tensors)
        {
            WriteString(w, name);
            w.Write((uint)dims.Length);
            foreach (var d in dims) w.Write(d);
            w.Write((uint)GgmlType.F32);
            w.Write(offset);
            offset = Align(offset + (ulong)data.Length * 4);
        }

        // Offsets above are relative to the start of the data section, which itself starts aligned.
        w.Flush();
        Pad(w, (ulong)stream.Position);
        var dataStart = (ulong)stream.Position;
        foreach (var (_, _, data) in _tensors)
        {
            w.Write(MemoryMarshal.AsBytes(data.AsSpan()));
            w.Flush();
            Pad(w, (ulong)stream.Position - dataStart);
        }
    }

    private ulong Align(ulong offset) => (offset + Alignment - 1) / Alignment * Alignment;

    private void Pad(BinaryWriter w, ulong position)
    {
        for (var i = position; i < Align(position); i++) w.Write((byte)0);
    }

    private static void WriteString(BinaryWriter w, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static void WriteValue(BinaryWriter w, GgufValueType type, object value, GgufValueType elementType, string key)
    {
        switch (type)
        {
            case GgufValueType.UInt8: w.Write(Convert.ToByte(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case GgufValueType.Int8: w.Write(Convert.ToSByte(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case GgufValueType.UInt16: w.Write(Convert.ToUInt16(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case GgufValueType.Int16: w.Write(Convert.ToInt16(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case GgufValueType.UInt32: w.Write(Convert.ToUInt32(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case GgufValueType.Int32: w.Write(Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case GgufValueType.UInt64: w.Write(Convert.ToUInt64(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case GgufValueType.Int64: w.Write(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case GgufValueType.Float32: w.Write(Convert.ToSingle(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case GgufValueType.Float64: w.Write(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case GgufValueType.Bool: w.Write((bool)value ? (byte)1 : (byte)0); break;
            case GgufValueType.String: WriteString(w, (string)value); break;
            case GgufValueType.Array:
                if (elementType == GgufValueType.Array) throw new NotSupportedException($"GGUF metadata '{key}': nested arrays are not written.");
                var items = ((System.Collections.IEnumerable)value).Cast<object>().ToList();
                w.Write((uint)elementType);
                w.Write((ulong)items.Count);
                foreach (var item in items) WriteValue(w, elementType, item, GgufValueType.UInt8, key);
                break;
            default: throw new ArgumentException($"GGUF metadata '{key}': unknown value type {type}.");
        }
    }
}
