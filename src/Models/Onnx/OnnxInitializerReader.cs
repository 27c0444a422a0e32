using System.Runtime.InteropServices;
using System.Buffers.Binary;

namespace BioEval.Models.Onnx;

/// <summary>A float32 ONNX initializer: its row-major shape and values.</summary>
public sealed record OnnxFloatTensor(string Name, IReadOnlyList<long> Shape, float[] Data);

/// <summary>
/// Reads the float32 initializers (weights) of an ONNX model by decoding the protobuf directly (<see cref="ProtoWire"/>),
/// because ONNX Runtime does not hand initializers back. Field numbers are onnx.proto's (the same ones
/// <see cref="OnnxGraphBuilder"/> writes): ModelProto.graph = 7, GraphProto.initializer = 5, TensorProto dims = 1,
/// data_type = 2, float_data = 4, name = 8, raw_data = 9, external_data = 13, data_location = 14. Weights kept in
/// external data files are reported, not followed.
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
        var model = File.ReadAllBytes(modelPath);
        var result = new Dictionary<string, OnnxFloatTensor>(StringComparer.Ordinal);
        var graphs = Fields(modelPath, model).Where(f => f.Number == ModelGraph && f.IsLengthDelimited).ToList();
        if (graphs.Count == 0) throw new InvalidDataException($"{modelPath}: the ONNX model has no graph.");
        foreach (var g in graphs)
        {
            var graph = ProtoWire.Payload(model, g);
            foreach (var f in Fields(modelPath, graph))
            {
                if (f.Number != GraphInitializer || !f.IsLengthDelimited) continue;
                var tensor = ReadTensor(modelPath, ProtoWire.Payload(graph, f));
                if (tensor is not null && !result.TryAdd(tensor.Name, tensor))
                    throw new InvalidDataException($"{modelPath}: initializer '{tensor.Name}' appears twice.");
            }
        }
        return result;
    }

    private static List<ProtoField> Fields(string modelPath, ReadOnlySpan<byte> message)
    {
        try
        {
            return ProtoWire.Fields(message);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{modelPath}: not a valid ONNX protobuf ({e.Message}).", e);
        }
    }

    private static OnnxFloatTensor? ReadTensor(string modelPath, ReadOnlySpan<byte> message)
    {
        var dims = new List<long>();
        var floats = new List<float>();
        ReadOnlySpan<byte> raw = default;
        var hasRaw = false;
        var name = "";
        var type = 0;
        var external = false;
        foreach (var f in Fields(modelPath, message))
        {
            switch (f.Number)
            {
                case TensorDims when f.WireType == ProtoField.VarintType: dims.Add((long)f.Varint); break;
                case TensorDims when f.IsLengthDelimited: dims.AddRange(ProtoWire.PackedVarints(ProtoWire.Payload(message, f)).Select(v => (long)v)); break;
                case TensorDataType when f.WireType == ProtoField.VarintType: type = (int)f.Varint; break;
                case TensorFloatData when f.WireType == ProtoField.Fixed32Type: floats.Add(BinaryPrimitives.ReadSingleLittleEndian(message[f.PayloadStart..f.End])); break;
                case TensorFloatData when f.IsLengthDelimited: floats.AddRange(MemoryMarshal.Cast<byte, float>(ProtoWire.Payload(message, f)).ToArray()); break;
                case TensorName when f.IsLengthDelimited: name = ProtoWire.String(message, f); break;
                case TensorRawData when f.IsLengthDelimited: raw = ProtoWire.Payload(message, f); hasRaw = true; break;
                case TensorExternalData: external = true; break;
                case TensorDataLocation when f.WireType == ProtoField.VarintType: external |= f.Varint == 1; break;
            }
        }
        if (type != FloatType) return null;
        if (external)
            throw new NotSupportedException($"{modelPath}: initializer '{name}' is stored in an external data file, which export does not read.");
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data is little-endian; this reader assumes a little-endian machine.");
        var data = hasRaw ? MemoryMarshal.Cast<byte, float>(raw).ToArray() : floats.ToArray();
        var expected = dims.Aggregate(1L, (a, d) => a * d);
        if (expected != data.Length)
            throw new InvalidDataException($"{modelPath}: initializer '{name}' has shape [{string.Join(", ", dims)}] but {data.Length} values.");
        return new OnnxFloatTensor(name, dims, data);
    }
}
