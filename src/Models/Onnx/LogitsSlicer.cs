using Google.Protobuf;

namespace BioEval.Models.Onnx;

/// <summary>What <see cref="LogitsSlicer.Rewrite"/> did: the rewritten model, or why the model was left as it is.</summary>
public sealed record LogitsSliceResult(byte[]? Model, string? Reason)
{
    public bool Applied => Model is not null;
}

/// <summary>
/// Rewrites a decoder graph so its language-model head runs on the positions the caller asks for instead of on every
/// input position. Generation reads only the last position of a prompt, yet an exported decoder computes
/// [batch, prompt, vocab] logits: on a 128k-token vocabulary a 12k-token prompt is 6 GB of float32 logits, and the
/// head's matrix product is a fifth of a small model's prefill. (vLLM computes last-position logits only;
/// transformers' <c>generate</c> passes <c>logits_to_keep=1</c> for the same reason.)
/// <para>
/// The rewrite inserts one <c>Slice</c> on the sequence axis of the head's input, with its start read from a new
/// graph input <see cref="StartInput"/> (int64 [1]): -1 keeps the last position, 0 keeps all of them, so the same
/// session serves generation and full-sequence scoring. It applies where the logits output comes from a MatMul
/// (or com.microsoft MatMulNBits) over a 2-D weight, through nothing but per-element operations with constant
/// operands (Cast, soft-capping, a bias), and the graph declares the logits as rank 3. Anything else is left
/// unchanged, with the reason.
/// </para>
/// </summary>
public static class LogitsSlicer
{
    /// <summary>The input the rewritten graph adds: int64 [1], the first position to keep (-1: last only, 0: all).</summary>
    public const string StartInput = "bioeval_logits_start";

    private const string SlicedName = "bioeval_logits_hidden";
    private const string EndsName = "bioeval_logits_slice_ends";
    private const string AxesName = "bioeval_logits_slice_axes";
    private const string NodeName = "bioeval_logits_slice";

    // onnx.proto field numbers.
    private const int ModelGraph = 7, ModelOpset = 8;
    private const int OpsetDomain = 1, OpsetVersion = 2;
    private const int GraphNode = 1, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12, GraphValueInfo = 13, GraphSparseInitializer = 15;
    private const int NodeInput = 1, NodeOutput = 2, NodeName_ = 3, NodeOpType = 4, NodeAttribute = 5, NodeDomain = 7;
    private const int AttributeName = 1, AttributeTensor = 5;
    private const int TensorDims = 1, TensorName = 8;
    private const int SparseValues = 1;
    private const int ValueInfoName = 1, ValueInfoType = 2, TypeTensor = 1, TensorTypeShape = 2, ShapeDim = 1;

    // Per-element operations the head's output may pass through on its way to the logits output.
    private static readonly HashSet<string> Unary = new(StringComparer.Ordinal) { "Cast", "Identity", "Tanh", "Relu", "Sigmoid" };
    private static readonly HashSet<string> Binary = new(StringComparer.Ordinal) { "Add", "Sub", "Mul", "Div" };

    private sealed record Node(ProtoField Field, string Name, string OpType, string Domain, List<string> Inputs, List<string> Outputs);

    /// <summary>Rewrites the ModelProto in <paramref name="model"/> whose output <paramref name="logits"/> holds the logits.</summary>
    public static LogitsSliceResult Rewrite(byte[] model, string logits)
    {
        var modelFields = ProtoWire.Fields(model);
        var graphFields = modelFields.Where(f => f.Number == ModelGraph && f.IsLengthDelimited).ToList();
        if (graphFields.Count != 1) return Leave("the model does not hold exactly one graph");
        var graphField = graphFields[0];
        var opset = DefaultOpset(model, modelFields);
        if (opset < 10) return Leave($"the model's opset is {opset}; a Slice with computed starts needs opset 10 or later");

        var graphBytes = model.AsMemory(graphField.PayloadStart, graphField.End - graphField.PayloadStart);
        var graph = graphBytes.Span;
        var fields = ProtoWire.Fields(graph);
        var nodes = new List<Node>();
        var constants = new Dictionary<string, int>(StringComparer.Ordinal); // constant value (initializer or Constant node) -> rank, -1 unknown
        var names = new HashSet<string>(StringComparer.Ordinal);
        int? logitsRank = null;
        var isOutput = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in fields)
        {
            switch (f.Number)
            {
                case GraphNode when f.IsLengthDelimited:
                    var node = ReadNode(f, ProtoWire.Payload(graph, f));
                    nodes.Add(node);
                    names.UnionWith(node.Outputs);
                    break;
                case GraphInitializer when f.IsLengthDelimited:
                    var (tensorName, rank) = ReadTensorName(graph, f);
                    constants[tensorName] = rank;
                    names.Add(tensorName);
                    break;
                case GraphSparseInitializer when f.IsLengthDelimited:
                    foreach (var v in ProtoWire.Fields(ProtoWire.Payload(graph, f)).Where(v => v.Number == SparseValues && v.IsLengthDelimited))
                    {
                        var (sparseName, _) = ReadTensorName(ProtoWire.Payload(graph, f), v);
                        constants[sparseName] = -1;
                        names.Add(sparseName);
                    }
                    break;
                case GraphInput or GraphOutput or GraphValueInfo when f.IsLengthDelimited:
                    var (valueName, valueRank) = ReadValueInfo(ProtoWire.Payload(graph, f));
                    names.Add(valueName);
                    if (f.Number == GraphOutput)
                    {
                        isOutput.Add(valueName);
                        if (valueName == logits) logitsRank = valueRank;
                    }
                    break;
            }
        }
        if (!isOutput.Contains(logits)) return Leave($"the graph has no output '{logits}'");
        if (logitsRank != 3) return Leave(logitsRank is null ? $"the graph does not declare the rank of '{logits}'" : $"'{logits}' is declared with rank {logitsRank}, not [batch, sequence, vocab]");
        foreach (var n in new[] { StartInput, SlicedName, EndsName, AxesName })
            if (names.Contains(n)) return Leave($"the graph already has a value named '{n}'");
        if (nodes.Any(n => n.Name == NodeName)) return Leave($"the graph already has a node named '{NodeName}'");

        var producer = new Dictionary<string, Node>(StringComparer.Ordinal);
        var consumers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            foreach (var o in node.Outputs) producer[o] = node;
            foreach (var i in node.Inputs.Where(i => i.Length > 0)) consumers[i] = consumers.GetValueOrDefault(i) + 1;
            if (node.OpType == "Constant" && node.Domain.Length == 0 && node.Outputs.Count == 1) constants.TryAdd(node.Outputs[0], ConstantRank(ProtoWire.Payload(graph, node.Field)));
        }

        if (consumers.ContainsKey(logits)) return Leave($"'{logits}' is also read inside the graph");

        // Walk from the logits back to the head's matrix product through per-element operations.
        var current = logits;
        Node head;
        while (true)
        {
            if (!producer.TryGetValue(current, out var node)) return Leave($"no node computes '{current}'");
            if (current != logits && (consumers.GetValueOrDefault(current) != 1 || isOutput.Contains(current)))
                return Leave($"'{current}' between the head and the logits is also read elsewhere");
            if (IsHead(node, constants, producer))
            {
                head = node;
                break;
            }
            string? next = null;
            if (node.Domain.Length == 0 && Unary.Contains(node.OpType) && node.Inputs.Count == 1)
            {
                next = node.Inputs[0];
            }
            else if (node.Domain.Length == 0 && Binary.Contains(node.OpType) && node.Inputs.Count == 2)
            {
                var variable = node.Inputs.Where(i => !constants.ContainsKey(i)).ToList();
                // A constant of rank 0 or 1 broadcasts along the vocabulary axis only; anything wider might not.
                if (variable.Count == 1 && node.Inputs.All(i => !constants.TryGetValue(i, out var r) || r is 0 or 1)) next = variable[0];
            }
            if (next is null) return Leave($"'{current}' comes from {node.OpType} node '{node.Name}', which is not a per-element operation the rewrite can look through");
            current = next;
        }

        var slice = OnnxGraphBuilder.Message(o =>
        {
            foreach (var input in new[] { head.Inputs[0], StartInput, EndsName, AxesName }) OnnxGraphBuilder.WriteString(o, NodeInput, input);
            OnnxGraphBuilder.WriteString(o, NodeOutput, SlicedName);
            OnnxGraphBuilder.WriteString(o, NodeName_, NodeName);
            OnnxGraphBuilder.WriteString(o, NodeOpType, "Slice");
        });
        var newHead = RewriteFirstInput(ProtoWire.Payload(graph, head.Field), SlicedName);
        var tail = OnnxGraphBuilder.Message(o =>
        {
            OnnxGraphBuilder.WriteMessage(o, GraphInitializer, OnnxGraphBuilder.Tensor(EndsName, OnnxDataType.Int64, [1], BitConverter.GetBytes(long.MaxValue)));
            OnnxGraphBuilder.WriteMessage(o, GraphInitializer, OnnxGraphBuilder.Tensor(AxesName, OnnxDataType.Int64, [1], BitConverter.GetBytes(1L)));
            OnnxGraphBuilder.WriteMessage(o, GraphInput, OnnxGraphBuilder.ValueInfo(StartInput, OnnxDataType.Int64, [1L]));
        });

        // The Slice goes right before the head, which keeps the node list in topological order.
        ReadOnlyMemory<byte>[] pieces =
        [
            graphBytes[..head.Field.Start],
            OnnxGraphBuilder.Message(o => OnnxGraphBuilder.WriteMessage(o, GraphNode, slice)),
            OnnxGraphBuilder.Message(o => OnnxGraphBuilder.WriteMessage(o, GraphNode, newHead)),
            graphBytes[head.Field.End..],
            tail,
        ];
        var graphLength = pieces.Sum(p => (long)p.Length);

        var before = model.AsMemory(0, graphField.Start);
        var after = model.AsMemory(graphField.End);
        var header = OnnxGraphBuilder.Message(o =>
        {
            o.WriteTag(ModelGraph, WireFormat.WireType.LengthDelimited);
            o.WriteLength(checked((int)graphLength));
        });
        var total = before.Length + header.Length + graphLength + after.Length;
        if (total >= int.MaxValue) return Leave("the rewritten model would exceed 2 GiB");
        var result = new byte[total];
        var stream = new MemoryStream(result);
        stream.Write(before.Span);
        stream.Write(header);
        foreach (var p in pieces) stream.Write(p.Span);
        stream.Write(after.Span);
        return new LogitsSliceResult(result, null);
    }

    private static LogitsSliceResult Leave(string reason) => new(null, reason);

    // A matrix product of the hidden states with a 2-D weight (or a quantised MatMulNBits) keeps the hidden states'
    // rank, so a rank-3 logits output means [batch, sequence, hidden] input: the sequence axis is axis 1.
    private static bool IsHead(Node node, Dictionary<string, int> constants, Dictionary<string, Node> producer)
    {
        if (node.Inputs.Count < 2 || node.Inputs[0].Length == 0) return false;
        if (node.OpType == "MatMulNBits" && node.Domain == "com.microsoft") return true;
        if (node.OpType != "MatMul" || node.Domain.Length != 0) return false;
        var weight = node.Inputs[1];
        if (constants.TryGetValue(weight, out var rank)) return rank == 2;
        // Tied embeddings: the head reads the transposed embedding matrix.
        return producer.TryGetValue(weight, out var t) && t.OpType == "Transpose" && t.Domain.Length == 0
            && t.Inputs.Count == 1 && constants.TryGetValue(t.Inputs[0], out var r) && r == 2;
    }

    private static long DefaultOpset(byte[] model, List<ProtoField> fields)
    {
        long version = 0;
        foreach (var f in fields.Where(f => f.Number == ModelOpset && f.IsLengthDelimited))
        {
            var payload = ProtoWire.Payload(model, f);
            var domain = "";
            long v = 0;
            foreach (var g in ProtoWire.Fields(payload))
            {
                if (g.Number == OpsetDomain && g.IsLengthDelimited) domain = ProtoWire.String(payload, g);
                if (g.Number == OpsetVersion && g.WireType == ProtoField.VarintType) v = (long)g.Varint;
            }
            if (domain is "" or "ai.onnx") version = Math.Max(version, v);
        }
        return version;
    }

    private static Node ReadNode(ProtoField field, ReadOnlySpan<byte> payload)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        string name = "", op = "", domain = "";
        foreach (var f in ProtoWire.Fields(payload))
        {
            if (!f.IsLengthDelimited) continue;
            switch (f.Number)
            {
                case NodeInput: inputs.Add(ProtoWire.String(payload, f)); break;
                case NodeOutput: outputs.Add(ProtoWire.String(payload, f)); break;
                case NodeName_: name = ProtoWire.String(payload, f); break;
                case NodeOpType: op = ProtoWire.String(payload, f); break;
                case NodeDomain: domain = ProtoWire.String(payload, f); break;
            }
        }
        if (domain == "ai.onnx") domain = "";
        return new Node(field, name, op, domain, inputs, outputs);
    }

    // The rank of a Constant node's value: its tensor's dims, 0 for value_float/value_int, 1 for value_floats/value_ints;
    // -1 (unknown) otherwise.
    private static int ConstantRank(ReadOnlySpan<byte> node)
    {
        foreach (var a in ProtoWire.Fields(node).Where(f => f.Number == NodeAttribute && f.IsLengthDelimited))
        {
            var attribute = ProtoWire.Payload(node, a);
            var fields = ProtoWire.Fields(attribute);
            string? name = null;
            foreach (var f in fields)
                if (f.Number == AttributeName && f.IsLengthDelimited) name = ProtoWire.String(attribute, f);
            switch (name)
            {
                case "value_float" or "value_int": return 0;
                case "value_floats" or "value_ints": return 1;
                case "value":
                    var tensor = fields.FirstOrDefault(f => f.Number == AttributeTensor && f.IsLengthDelimited);
                    return tensor == default ? -1 : ReadTensorName(attribute, tensor).Rank;
            }
        }
        return -1;
    }

    // TensorProto name and rank, skipping the data.
    private static (string Name, int Rank) ReadTensorName(ReadOnlySpan<byte> graph, ProtoField field)
    {
        var payload = ProtoWire.Payload(graph, field);
        var name = "";
        var rank = 0;
        foreach (var f in ProtoWire.Fields(payload))
        {
            if (f.Number == TensorName && f.IsLengthDelimited) name = ProtoWire.String(payload, f);
            else if (f.Number == TensorDims) rank += f.WireType == ProtoField.VarintType ? 1 : CountVarints(ProtoWire.Payload(payload, f));
        }
        return (name, rank);
    }

    private static int CountVarints(ReadOnlySpan<byte> packed)
    {
        var count = 0;
        foreach (var b in packed) if ((b & 0x80) == 0) count++;
        return count;
    }

    // ValueInfoProto name and, when declared, its tensor rank.
    private static (string Name, int? Rank) ReadValueInfo(ReadOnlySpan<byte> payload)
    {
        var name = "";
        int? rank = null;
        foreach (var f in ProtoWire.Fields(payload))
        {
            if (f.Number == ValueInfoName && f.IsLengthDelimited) name = ProtoWire.String(payload, f);
            if (f.Number != ValueInfoType || !f.IsLengthDelimited) continue;
            var type = ProtoWire.Payload(payload, f);
            foreach (var t in ProtoWire.Fields(type).Where(t => t.Number == TypeTensor && t.IsLengthDelimited))
            {
                var tensor = ProtoWire.Payload(type, t);
                foreach (var s in ProtoWire.Fields(tensor).Where(s => s.Number == TensorTypeShape && s.IsLengthDelimited))
                    rank = ProtoWire.Fields(ProtoWire.Payload(tensor, s)).Count(d => d.Number == ShapeDim);
            }
        }
        return (name, rank);
    }

    // The node with its first input renamed; every other field is copied as it was.
    private static byte[] RewriteFirstInput(ReadOnlySpan<byte> node, string input)
    {
        var fields = ProtoWire.Fields(node);
        var first = fields.First(f => f.Number == NodeInput);
        var renamed = OnnxGraphBuilder.Message(o => OnnxGraphBuilder.WriteString(o, NodeInput, input));
        using var stream = new MemoryStream();
        foreach (var f in fields)
        {
            if (f == first) stream.Write(renamed);
            else stream.Write(node[f.Start..f.End]);
        }
        return stream.ToArray();
    }
}
