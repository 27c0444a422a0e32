using System.Runtime.InteropServices;
using Google.Protobuf;

namespace BioEval.Models.Onnx;

/// <summary>A float32 ONNX initializer: its row-major shape and values.</summary>
public sealed record OnnxFloatTensor(string Name, IReadOnlyList<long> Shape, float[] Data);

/// <summary>
/// Reads the float32 initializers (weights) of an ONNX model by decoding the protobuf directly, because ONNX Runtime
/// does not hand initializers back. Field numbers are onnx.proto's (the same ones <see cref="OnnxGraphBuilder"/>
/// writes): ModelProto.graph = 7, GraphProto.initializer = 5, TensorProto dims = 1, data_type = 2, float_data = 4,
/// name = 8, raw_data = 9, data_location = 14. Weights kept in external data files are reported, not followed.
/// </summary>
public static class OnnxInitializerReader
{
    private const int ModelGraph = 7;
    private const int GraphInitializer = 5;
    private const int TensorDims = 1;
    private const int TensorDataType = 2;
    private const int TensorFloatData = 4;
    private const int TensorName = 8;
    private const int TensorRawData = 9;
    private const int TensorExternalData = 13;
    private const int TensorDataLocation = 14;
    private const int FloatType = 1;

    /// <summary>Float32 initializers of <paramref name="modelPath"/> by name (other element types are skipped).</summary>
    public static IReadOnlyDictionary<string, OnnxFloatTensor> ReadFloatInitializers(string modelPath)
    {
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"ONNX model '{modelPath}' does not exist.", modelPath);
        if (new FileInfo(modelPath).Length >= int.MaxValue)
            throw new NotSupportedException($"{modelPath}: ONNX files of 2 GiB or more are not read (protobuf messages are limited to 2 GiB).");
        var result = new Dictionary<string, OnnxFloatTensor>(StringComparer.Ordinal);
        var model = new CodedInputStream(File.ReadAllBytes(modelPath));
        var sawGraph = false;
        try
        {
            for (uint tag; (tag = model.ReadTag()) != 0;)
            {
                if (WireFormat.GetTagFieldNumber(tag) != ModelGraph || WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited)
                {
                    model.SkipLastField();
                    continue;
                }
                sawGraph = true;
                var graph = model.ReadBytes().CreateCodedInput();
                for (uint gtag; (gtag = graph.ReadTag()) != 0;)
                {
                    if (WireFormat.GetTagFieldNumber(gtag) != GraphInitializer || WireFormat.GetTagWireType(gtag) != WireFormat.WireType.LengthDelimited)
                    {
                        graph.SkipLastField();
                        continue;
                    }
                    var tensor = ReadTensor(modelPath, graph.ReadBytes());
                    if (tensor is not null && !result.TryAdd(tensor.Name, tensor))
                        throw new InvalidDataException($"{modelPath}: initializer '{tensor.Name}' appears twice.");
                }
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{modelPath}: not a valid ONNX protobuf ({e.Message}).", e);
        }
        if (!sawGraph) throw new InvalidDataException($"{modelPath}: the ONNX model has no graph.");
        return result;
    }

    private static OnnxFloatTensor? ReadTensor(string modelPath, ByteString message)
    {
        var input = message.CreateCodedInput();
        var dims = new List<long>();
        var floats = new List<float>();
        ByteString? raw = null;
        string name = "";
        var type = 0;
        var external = false;
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            var field = WireFormat.GetTagFieldNumber(tag);
            var wire = WireFormat.GetTagWireType(tag);
            switch (field)
            {
                case TensorDims when wire == WireFormat.WireType.Varint: dims.Add(input.ReadInt64()); break;
                case TensorDims when wire == WireFormat.WireType.LengthDelimited:
                    var packedDims = input.ReadBytes().CreateCodedInput();
                    while (!packedDims.IsAtEnd) dims.Add(packedDims.ReadInt64());
                    break;
                case TensorDataType: type = input.ReadInt32(); break;
                case TensorFloatData when wire == WireFormat.WireType.Fixed32: floats.Add(input.ReadFloat()); break;
                case TensorFloatData when wire == WireFormat.WireType.LengthDelimited:
                    floats.AddRange(MemoryMarshal.Cast<byte, float>(input.ReadBytes().Span).ToArray());
                    break;
                case TensorName: name = input.ReadString(); break;
                case TensorRawData: raw = input.ReadBytes(); break;
                case TensorExternalData: external = true; input.SkipLastField(); break;
                case TensorDataLocation: external |= input.ReadInt32() == 1; break;
                default: input.SkipLastField(); break;
            }
        }
        if (type != FloatType) return null;
        if (external)
            throw new NotSupportedException($"{modelPath}: initializer '{name}' is stored in an external data file, which export does not read.");
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data is little-endian; this reader assumes a little-endian machine.");
        var data = raw is not null ? MemoryMarshal.Cast<byte, float>(raw.Span).ToArray() : floats.ToArray();
        var expected = dims.Aggregate(1L, (a, d) => a * d);
        if (expected != data.Length)
            throw new InvalidDataException($"{modelPath}: initializer '{name}' has shape [{string.Join(", ", dims)}] but {data.Length} values.");
        return new OnnxFloatTensor(name, dims, data);
    }
}
