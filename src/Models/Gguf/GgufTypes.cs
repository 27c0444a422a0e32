namespace BioEval.Models.Gguf;

/// <summary>GGUF metadata value types, numbered as the GGUF specification numbers them on disk.</summary>
public enum GgufValueType : uint
{
    UInt8 = 0,
    Int8 = 1,
    UInt16 = 2,
    Int16 = 3,
    UInt32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    UInt64 = 10,
    Int64 = 11,
    Float64 = 12,
}

/// <summary>ggml tensor element types BioEval writes or reads (only the unquantized ones; numbers as on disk).</summary>
public enum GgmlType : uint
{
    F32 = 0,
    F16 = 1,
}

/// <summary>
/// One metadata value. Arrays keep their element type so an empty array still round-trips, and so the writer
/// can emit exactly the type a reader such as llama.cpp checks for (it rejects a uint64 where it expects uint32).
/// </summary>
public sealed record GgufValue(GgufValueType Type, object Value, GgufValueType ElementType = GgufValueType.UInt8)
{
    public static GgufValue UInt32(uint value) => new(GgufValueType.UInt32, value);
    public static GgufValue Int32(int value) => new(GgufValueType.Int32, value);
    public static GgufValue UInt64(ulong value) => new(GgufValueType.UInt64, value);
    public static GgufValue Float32(float value) => new(GgufValueType.Float32, value);
    public static GgufValue Bool(bool value) => new(GgufValueType.Bool, value);
    public static GgufValue String(string value) => new(GgufValueType.String, value);
    public static GgufValue Strings(IReadOnlyList<string> values) => new(GgufValueType.Array, values, GgufValueType.String);
    public static GgufValue Int32s(IReadOnlyList<int> values) => new(GgufValueType.Array, values, GgufValueType.Int32);
    public static GgufValue Float32s(IReadOnlyList<float> values) => new(GgufValueType.Array, values, GgufValueType.Float32);

    public uint AsUInt32() => Type == GgufValueType.UInt32 ? (uint)Value : throw WrongType(GgufValueType.UInt32);
    public float AsFloat32() => Type == GgufValueType.Float32 ? (float)Value : throw WrongType(GgufValueType.Float32);
    public string AsString() => Type == GgufValueType.String ? (string)Value : throw WrongType(GgufValueType.String);
    public bool AsBool() => Type == GgufValueType.Bool ? (bool)Value : throw WrongType(GgufValueType.Bool);

    public IReadOnlyList<string> AsStrings() =>
        Type == GgufValueType.Array && ElementType == GgufValueType.String ? (IReadOnlyList<string>)Value : throw WrongType(GgufValueType.Array);

    public IReadOnlyList<int> AsInt32s() =>
        Type == GgufValueType.Array && ElementType == GgufValueType.Int32 ? (IReadOnlyList<int>)Value : throw WrongType(GgufValueType.Array);

    private InvalidDataException WrongType(GgufValueType expected) =>
        new($"GGUF value is {Describe()}, not {expected}.");

    private string Describe() => Type == GgufValueType.Array ? $"an array of {ElementType}" : Type.ToString();
}

/// <summary>
/// A tensor as GGUF describes it: <paramref name="Dimensions"/> in ggml order, fastest-varying first, i.e. the
/// reverse of a row-major shape (a PyTorch [rows, cols] weight is ggml [cols, rows]).
/// </summary>
public sealed record GgufTensorInfo(string Name, IReadOnlyList<ulong> Dimensions, GgmlType Type, ulong Offset)
{
    public ulong ElementCount => Dimensions.Aggregate(1UL, (a, d) => a * d);

    public ulong ByteCount => Type switch
    {
        GgmlType.F32 => ElementCount * 4,
        GgmlType.F16 => ElementCount * 2,
        _ => throw new NotSupportedException($"GGUF tensor '{Name}': type {Type} is not supported."),
    };
}
