using System.Runtime.InteropServices;
using System.Text;

namespace BioEval.Models.Gguf;

/// <summary>
/// A GGUF file read back: version, metadata in file order, tensor infos, and float32 tensor data on request.
/// Small on purpose (whole file in memory): it exists to check what <see cref="GgufWriter"/> wrote and to inspect
/// exported tiny models, not to load large ones.
/// </summary>
public sealed class GgufFile
{
    private readonly byte[] _bytes;
    private readonly long _dataStart;

    private GgufFile(string path, byte[] bytes, uint version, IReadOnlyList<KeyValuePair<string, GgufValue>> metadata,
        IReadOnlyList<GgufTensorInfo> tensors, uint alignment, long dataStart)
    {
        Path = path;
        _bytes = bytes;
        Version = version;
        Metadata = metadata;
        Tensors = tensors;
        Alignment = alignment;
        _dataStart = dataStart;
    }

    public string Path { get; }
    public uint Version { get; }
    public uint Alignment { get; }
    public IReadOnlyList<KeyValuePair<string, GgufValue>> Metadata { get; }
    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    /// <summary>The value of <paramref name="key"/>; throws naming the file when it is missing.</summary>
    public GgufValue this[string key] =>
        Metadata.FirstOrDefault(kv => kv.Key == key).Value ?? throw new KeyNotFoundException($"{Path}: no GGUF metadata key '{key}'.");

    public bool Contains(string key) => Metadata.Any(kv => kv.Key == key);

    /// <summary>The float32 data of tensor <paramref name="name"/>, in file order (ggml's first dimension fastest).</summary>
    public float[] ReadFloat32(string name)
    {
        var info = Tensors.FirstOrDefault(t => t.Name == name) ?? throw new KeyNotFoundException($"{Path}: no tensor '{name}'.");
        if (info.Type != GgmlType.F32) throw new NotSupportedException($"{Path}: tensor '{name}' is {info.Type}, not F32.");
        var start = _dataStart + (long)info.Offset;
        var length = (long)info.ByteCount;
        if (start + length > _bytes.Length) throw new InvalidDataException($"{Path}: tensor '{name}' runs past the end of the file.");
        return MemoryMarshal.Cast<byte, float>(_bytes.AsSpan((int)start, (int)length)).ToArray();
    }

    /// <summary>Reads <paramref name="path"/>; throws <see cref="InvalidDataException"/> naming the file and offset on bad input.</summary>
    public static GgufFile Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var r = new Cursor(path, bytes);
        if (r.UInt32() != GgufWriter.Magic) throw new InvalidDataException($"{path}: not a GGUF file (the first four bytes are not 'GGUF').");
        var version = r.UInt32();
        if (version is < 2 or > 3) throw new InvalidDataException($"{path}: GGUF version {version} is not supported (2 or 3 expected).");
        var tensorCount = r.Count("tensor count");
        var kvCount = r.Count("metadata count");

        var metadata = new List<KeyValuePair<string, GgufValue>>();
        for (ulong i = 0; i < kvCount; i++)
        {
            var key = r.String();
            var type = (GgufValueType)r.UInt32();
            metadata.Add(new(key, r.Value(type, key)));
        }
        var alignment = metadata.FirstOrDefault(kv => kv.Key == GgufWriter.AlignmentKey).Value?.AsUInt32() ?? GgufWriter.DefaultAlignment;

        var tensors = new List<GgufTensorInfo>();
        for (ulong i = 0; i < tensorCount; i++)
        {
            var name = r.String();
            var rank = r.UInt32();
            if (rank is 0 or > 4) throw new InvalidDataException($"{path}: tensor '{name}' has {rank} dimensions (1 to 4 expected).");
            var dims = new ulong[rank];
            for (var d = 0; d < rank; d++) dims[d] = r.UInt64();
            var type = (GgmlType)r.UInt32();
            var offset = r.UInt64();
            if (offset % alignment != 0) throw new InvalidDataException($"{path}: tensor '{name}' starts at offset {offset}, not a multiple of the alignment {alignment}.");
            tensors.Add(new GgufTensorInfo(name, dims, type, offset));
        }
        var dataStart = (r.Position + alignment - 1) / alignment * alignment;
        return new GgufFile(path, bytes, version, metadata, tensors, alignment, dataStart);
    }

    private sealed class Cursor(string path, byte[] bytes)
    {
        public long Position { get; private set; }

        private ReadOnlySpan<byte> Take(long n)
        {
            if (n < 0 || Position + n > bytes.Length) throw new InvalidDataException($"{path}: file ends at byte {bytes.Length} while {n} more bytes were expected at offset {Position}.");
            var span = bytes.AsSpan((int)Position, (int)n);
            Position += n;
            return span;
        }

        public uint UInt32() => BitConverter.ToUInt32(Take(4));
        public ulong UInt64() => BitConverter.ToUInt64(Take(8));

        public ulong Count(string what)
        {
            var n = UInt64();
            return n <= (ulong)bytes.Length ? n : throw new InvalidDataException($"{path}: {what} {n} is larger than the file.");
        }

        public string String()
        {
            var length = Count("string length");
            return Encoding.UTF8.GetString(Take((long)length));
        }

        public GgufValue Value(GgufValueType type, string key) => type switch
        {
            GgufValueType.UInt8 => new(type, Take(1)[0]),
            GgufValueType.Int8 => new(type, (sbyte)Take(1)[0]),
            GgufValueType.UInt16 => new(type, BitConverter.ToUInt16(Take(2))),
            GgufValueType.Int16 => new(type, BitConverter.ToInt16(Take(2))),
            GgufValueType.UInt32 => new(type, UInt32()),
            GgufValueType.Int32 => new(type, BitConverter.ToInt32(Take(4))),
            GgufValueType.UInt64 => new(type, UInt64()),
            GgufValueType.Int64 => new(type, BitConverter.ToInt64(Take(8))),
            GgufValueType.Float32 => new(type, BitConverter.ToSingle(Take(4))),
            GgufValueType.Float64 => new(type, BitConverter.ToDouble(Take(8))),
            GgufValueType.Bool => Take(1)[0] switch
            {
                0 => new(type, false),
                1 => new(type, true),
                var b => throw new InvalidDataException($"{path}: metadata '{key}' holds bool byte {b} (0 or 1 expected)."),
            },
            GgufValueType.String => new(type, String()),
            GgufValueType.Array => Array(key),
            _ => throw new InvalidDataException($"{path}: metadata '{key}' has unknown value type {(uint)type} at offset {Position - 4}."),
        };

        private GgufValue Array(string key)
        {
            var elementType = (GgufValueType)UInt32();
            var count = Count($"length of array '{key}'");
            // Typed lists for the element types the accessors expose; boxed values for the rest.
            switch (elementType)
            {
                case GgufValueType.String:
                    var strings = new List<string>((int)count);
                    for (ulong i = 0; i < count; i++) strings.Add(String());
                    return new(GgufValueType.Array, strings, elementType);
                case GgufValueType.Int32:
                    var ints = new List<int>((int)count);
                    for (ulong i = 0; i < count; i++) ints.Add(BitConverter.ToInt32(Take(4)));
                    return new(GgufValueType.Array, ints, elementType);
                case GgufValueType.Float32:
                    var floats = new List<float>((int)count);
                    for (ulong i = 0; i < count; i++) floats.Add(BitConverter.ToSingle(Take(4)));
                    return new(GgufValueType.Array, floats, elementType);
                default:
                    var values = new List<object>((int)count);
                    for (ulong i = 0; i < count; i++) values.Add(Value(elementType, key).Value);
                    return new(GgufValueType.Array, values, elementType);
            }
        }
    }
}
