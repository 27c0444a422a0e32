namespace BioEval.Models.Onnx;

/// <summary>One field of a protobuf message: its number, wire type and where it lies in the message's bytes.</summary>
/// <param name="Number">The field number.</param>
/// <param name="WireType">0 varint, 1 fixed64, 2 length-delimited, 5 fixed32.</param>
/// <param name="Start">Offset of the field's tag (copying <c>Start..End</c> reproduces the field exactly).</param>
/// <param name="PayloadStart">Offset of a length-delimited field's payload (after its length); the value's offset otherwise.</param>
/// <param name="End">Offset just past the field.</param>
/// <param name="Varint">A varint field's value (0 for other wire types).</param>
internal readonly record struct ProtoField(int Number, int WireType, int Start, int PayloadStart, int End, ulong Varint)
{
    public const int VarintType = 0;
    public const int Fixed64Type = 1;
    public const int LengthDelimitedType = 2;
    public const int Fixed32Type = 5;

    public bool IsLengthDelimited => WireType == LengthDelimitedType;
}

/// <summary>
/// Reading the protobuf wire format at the level a graph rewrite needs: a message's fields with their byte ranges,
/// so the rewrite can copy what it does not change verbatim without decoding it (weights included). Writing goes
/// through Google.Protobuf's <c>CodedOutputStream</c> (the helpers of <see cref="OnnxGraphBuilder"/>).
/// </summary>
internal static class ProtoWire
{
    /// <summary>The fields of <paramref name="message"/> in order.</summary>
    public static List<ProtoField> Fields(ReadOnlySpan<byte> message)
    {
        var fields = new List<ProtoField>();
        var pos = 0;
        while (pos < message.Length)
        {
            var start = pos;
            var tag = ReadVarint(message, ref pos);
            var number = (int)(tag >> 3);
            var wire = (int)(tag & 7);
            if (number <= 0) throw new InvalidDataException($"protobuf: field number {number} at offset {start}.");
            ulong varint = 0;
            int payload;
            switch (wire)
            {
                case ProtoField.VarintType:
                    payload = pos;
                    varint = ReadVarint(message, ref pos);
                    break;
                case ProtoField.Fixed64Type:
                    payload = pos;
                    pos += 8;
                    break;
                case ProtoField.Fixed32Type:
                    payload = pos;
                    pos += 4;
                    break;
                case ProtoField.LengthDelimitedType:
                    var length = ReadVarint(message, ref pos);
                    payload = pos;
                    if (length > (ulong)(message.Length - pos)) throw new InvalidDataException($"protobuf: field {number} at offset {start} runs past the end of its message.");
                    pos += (int)length;
                    break;
                default:
                    throw new InvalidDataException($"protobuf: wire type {wire} of field {number} at offset {start} is not supported.");
            }
            if (pos > message.Length) throw new InvalidDataException($"protobuf: field {number} at offset {start} runs past the end of its message.");
            fields.Add(new ProtoField(number, wire, start, payload, pos, varint));
        }
        return fields;
    }

    /// <summary>The values of a packed repeated varint field's payload.</summary>
    public static List<ulong> PackedVarints(ReadOnlySpan<byte> payload)
    {
        var values = new List<ulong>();
        var pos = 0;
        while (pos < payload.Length) values.Add(ReadVarint(payload, ref pos));
        return values;
    }

    public static ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> message, ProtoField field) => message[field.PayloadStart..field.End];

    public static string String(ReadOnlySpan<byte> message, ProtoField field) => System.Text.Encoding.UTF8.GetString(Payload(message, field));

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (pos >= data.Length) throw new InvalidDataException("protobuf: a varint runs past the end of its message.");
            var b = data[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new InvalidDataException("protobuf: a varint is longer than 10 bytes.");
    }
}
