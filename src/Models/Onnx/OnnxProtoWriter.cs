using System.Runtime.InteropServices;
using Google.Protobuf;

namespace BioEval.Models.Onnx;

/// <summary>ONNX TensorProto.DataType values used by the writer.</summary>
public enum OnnxDataType
{
    Float = 1,
    Int64 = 7,
    Bool = 9,
    Float16 = 10,
}

/// <summary>
/// Builds an ONNX ModelProto by hand-encoding protobuf (field numbers from onnx.proto), so BioEval can
/// write its tiny model without Python or a generated ONNX schema. Encoding is fully deterministic:
/// fields in a fixed order, repeated scalars unpacked (as proto2 onnx.proto declares them).
/// </summary>
public sealed class OnnxGraphBuilder
{
    private readonly List<byte[]> _nodes = [];
    private readonly List<byte[]> _initializers = [];
    private readonly List<byte[]> _inputs = [];
    private readonly List<byte[]> _outputs = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly string? _externalDataFile;
    private readonly MemoryStream _externalData = new();
    private int _counter;

    /// <summary>A builder that keeps every initializer inside the model.</summary>
    public OnnxGraphBuilder() { }

    /// <summary>
    /// A builder that stores float initializers in the external data file <paramref name="externalDataFile"/>
    /// (a name relative to the model), as exports of models over 2 GiB must; write <see cref="ExternalData"/> there.
    /// </summary>
    public OnnxGraphBuilder(string externalDataFile) => _externalDataFile = externalDataFile;

    /// <summary>The bytes of the external data file (empty when the builder keeps initializers inside the model).</summary>
    public byte[] ExternalData => _externalData.ToArray();

    /// <summary>A graph input with dimensions given as <c>long</c> (fixed) or <c>string</c> (symbolic).</summary>
    public string Input(string name, OnnxDataType type, params object[] dims)
    {
        _inputs.Add(ValueInfo(name, type, dims));
        return Declare(name);
    }

    /// <summary>Declares an existing value as a graph output.</summary>
    public void Output(string name, OnnxDataType type, params object[] dims) => _outputs.Add(ValueInfo(name, type, dims));

    /// <summary>A float initializer (stored as little-endian raw_data).</summary>
    public string Initializer(string name, ReadOnlySpan<float> data, params long[] dims)
    {
        _initializers.Add(_externalDataFile is null
            ? Tensor(name, OnnxDataType.Float, dims, MemoryMarshal.AsBytes(data))
            : ExternalTensor(name, OnnxDataType.Float, dims, MemoryMarshal.AsBytes(data)));
        return Declare(name);
    }

    /// <summary>An int64 initializer.</summary>
    public string Initializer(string name, ReadOnlySpan<long> data, params long[] dims)
    {
        _initializers.Add(Tensor(name, OnnxDataType.Int64, dims, MemoryMarshal.AsBytes(data)));
        return Declare(name);
    }

    /// <summary>A constant int64 vector with a generated name.</summary>
    public string Ints(params long[] values) => Initializer(Fresh("const_i64"), values, values.Length);

    /// <summary>A constant int64 scalar (rank 0).</summary>
    public string IntScalar(long value) => Initializer(Fresh("const_i64_scalar"), [value]);

    /// <summary>A constant float scalar (rank 0).</summary>
    public string FloatScalar(float value) => Initializer(Fresh("const_f32_scalar"), [value]);

    /// <summary>Adds a node with one output and returns the output's name.</summary>
    public string Node(string opType, string[] inputs, params byte[][] attributes) => Node(opType, inputs, 1, attributes)[0];

    /// <summary>Adds a node with <paramref name="outputCount"/> outputs, or with the given output name when one output is named.</summary>
    public string[] Node(string opType, string[] inputs, int outputCount, params byte[][] attributes)
    {
        var outputs = new string[outputCount];
        for (var i = 0; i < outputCount; i++) outputs[i] = Declare(Fresh(opType));
        AddNode(opType, inputs, outputs, attributes);
        return outputs;
    }

    /// <summary>Adds a node whose single output gets a chosen name (graph outputs need fixed names).</summary>
    public string NamedNode(string output, string opType, string[] inputs, params byte[][] attributes)
    {
        AddNode(opType, inputs, [Declare(output)], attributes);
        return output;
    }

    /// <summary>Serialises the ModelProto.</summary>
    public byte[] Build(string graphName, long irVersion, long opset, string producer, string producerVersion)
    {
        var graph = Message(o =>
        {
            foreach (var n in _nodes) WriteMessage(o, 1, n);
            WriteString(o, 2, graphName);
            foreach (var t in _initializers) WriteMessage(o, 5, t);
            foreach (var i in _inputs) WriteMessage(o, 11, i);
            foreach (var v in _outputs) WriteMessage(o, 12, v);
        });
        var opsetId = Message(o =>
        {
            WriteString(o, 1, "");
            WriteInt(o, 2, opset);
        });
        return Message(o =>
        {
            WriteInt(o, 1, irVersion);
            WriteString(o, 2, producer);
            WriteString(o, 3, producerVersion);
            WriteMessage(o, 7, graph);
            WriteMessage(o, 8, opsetId);
        });
    }

    // AttributeProto: name=1, f=2, i=3, t=5, ints=8, type=20 (FLOAT=1, INT=2, TENSOR=4, INTS=7).
    public static byte[] IntAttr(string name, long value) => Message(o => { WriteString(o, 1, name); WriteInt(o, 3, value); WriteInt(o, 20, 2); });

    public static byte[] FloatAttr(string name, float value) => Message(o =>
    {
        WriteString(o, 1, name);
        o.WriteTag(2, WireFormat.WireType.Fixed32);
        o.WriteFloat(value);
        WriteInt(o, 20, 1);
    });

    public static byte[] IntsAttr(string name, params long[] values) => Message(o =>
    {
        WriteString(o, 1, name);
        foreach (var v in values) WriteInt(o, 8, v);
        WriteInt(o, 20, 7);
    });

    private void AddNode(string opType, string[] inputs, string[] outputs, byte[][] attributes)
    {
        foreach (var input in inputs)
            if (input.Length > 0 && !_names.Contains(input))
                throw new InvalidOperationException($"ONNX graph: node {opType} reads '{input}', which nothing defines.");
        var name = $"{opType}_node_{_nodes.Count}";
        _nodes.Add(Message(o =>
        {
            foreach (var i in inputs) WriteString(o, 1, i);
            foreach (var x in outputs) WriteString(o, 2, x);
            WriteString(o, 3, name);
            WriteString(o, 4, opType);
            foreach (var a in attributes) WriteMessage(o, 5, a);
        }));
    }

    private string Fresh(string prefix) => $"{prefix}_{_counter++}";

    private string Declare(string name) => _names.Add(name) ? name : throw new InvalidOperationException($"ONNX graph: value '{name}' is defined twice.");

    // TensorProto: dims=1, data_type=2, name=8, raw_data=9.
    internal static byte[] Tensor(string name, OnnxDataType type, long[] dims, ReadOnlySpan<byte> raw)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data is little-endian; this writer assumes a little-endian machine.");
        var bytes = ByteString.CopyFrom(raw);
        return Message(o =>
        {
            foreach (var d in dims) WriteInt(o, 1, d);
            WriteInt(o, 2, (long)type);
            WriteString(o, 8, name);
            o.WriteTag(9, WireFormat.WireType.LengthDelimited);
            o.WriteBytes(bytes);
        });
    }

    // TensorProto: external_data=13 (StringStringEntryProto{key=1, value=2}: location, offset, length), data_location=14
    // (EXTERNAL=1). Offsets are kept 16-byte aligned.
    private byte[] ExternalTensor(string name, OnnxDataType type, long[] dims, ReadOnlySpan<byte> raw)
    {
        while (_externalData.Length % 16 != 0) _externalData.WriteByte(0);
        var offset = _externalData.Length;
        _externalData.Write(raw);
        byte[] Entry(string key, string value) => Message(o => { WriteString(o, 1, key); WriteString(o, 2, value); });
        var length = raw.Length;
        return Message(o =>
        {
            foreach (var d in dims) WriteInt(o, 1, d);
            WriteInt(o, 2, (long)type);
            WriteString(o, 8, name);
            WriteMessage(o, 13, Entry("location", _externalDataFile!));
            WriteMessage(o, 13, Entry("offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            WriteMessage(o, 13, Entry("length", length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            WriteInt(o, 14, 1);
        });
    }

    // ValueInfoProto{name=1, type=2}; TypeProto{tensor_type=1}; Tensor{elem_type=1, shape=2};
    // TensorShapeProto{dim=1}; Dimension{dim_value=1, dim_param=2}.
    internal static byte[] ValueInfo(string name, OnnxDataType type, object[] dims)
    {
        var shape = Message(o =>
        {
            foreach (var d in dims)
            {
                var dim = d switch
                {
                    long v => Message(m => WriteInt(m, 1, v)),
                    int v => Message(m => WriteInt(m, 1, v)),
                    string s => Message(m => WriteString(m, 2, s)),
                    _ => throw new ArgumentException($"ONNX value '{name}': dimension {d} must be a number or a name."),
                };
                WriteMessage(o, 1, dim);
            }
        });
        var tensorType = Message(o => { WriteInt(o, 1, (long)type); WriteMessage(o, 2, shape); });
        var typeProto = Message(o => WriteMessage(o, 1, tensorType));
        return Message(o => { WriteString(o, 1, name); WriteMessage(o, 2, typeProto); });
    }

    internal static byte[] Message(Action<CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        write(output);
        output.Flush();
        return stream.ToArray();
    }

    internal static void WriteMessage(CodedOutputStream o, int field, byte[] message)
    {
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteBytes(UnsafeByteOperations.UnsafeWrap(message));
    }

    internal static void WriteString(CodedOutputStream o, int field, string value)
    {
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteString(value);
    }

    internal static void WriteInt(CodedOutputStream o, int field, long value)
    {
        o.WriteTag(field, WireFormat.WireType.Varint);
        o.WriteInt64(value);
    }
}
