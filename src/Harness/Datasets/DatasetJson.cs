using System.Globalization;
using System.Text.Json;

namespace BioEval.Harness.Datasets;

/// <summary>
/// Reading helpers shared by the JSON-based loaders, so that every malformed file fails the same way:
/// with a <see cref="DatasetFormatException"/> naming the file, the record and the field.
/// </summary>
public static class DatasetJson
{
    /// <summary>Parses a whole file, keeping property order (the reference iterates dicts in insertion order).</summary>
    public static JsonDocument ParseFile(string path)
    {
        var bytes = ReadAllBytes(path);
        return Parse(bytes, path);
    }

    /// <summary>Parses one JSON text; errors name <paramref name="file"/> and the line (counted from <paramref name="firstLine"/>) and column.</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> json, string file, int firstLine = 1)
    {
        var where = file;
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new DatasetFormatException(Describe(where, e, json.Span, firstLine), e);
        }
    }

    /// <summary>
    /// "FILE:LINE:COLUMN: invalid JSON: what" for a parse error: one position, the file's own line and column (in
    /// characters, 1-based; the line offset of <paramref name="where"/>'s first line is added when it names one, as a
    /// JSON Lines record does), without System.Text.Json's "Path | LineNumber | BytePositionInLine" tail.
    /// </summary>
    public static string Describe(string where, JsonException e, ReadOnlySpan<byte> json, int firstLine = 1)
    {
        var message = e.Message;
        var tail = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (tail < 0) tail = message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        if (tail >= 0) message = message[..tail];
        if (e.LineNumber is not { } line) return $"{where}: invalid JSON: {message}";
        // BytePositionInLine counts UTF-8 bytes: turn it into characters of that line.
        var start = 0;
        for (var l = 0; l < line && start < json.Length; l++)
        {
            var next = json[start..].IndexOf((byte)'\n');
            start = next < 0 ? json.Length : start + next + 1;
        }
        var bytes = (int)Math.Min(e.BytePositionInLine ?? 0, json.Length - start);
        var column = System.Text.Encoding.UTF8.GetCharCount(json.Slice(start, bytes)) + 1;
        return $"{where}:{firstLine + line}:{column}: invalid JSON: {message}";
    }

    /// <summary>The file's bytes (strict UTF-8, a BOM dropped); a missing file is reported as such rather than as a format error.</summary>
    public static byte[] ReadAllBytes(string path) => DatasetText.ReadUtf8(path);

    /// <summary>The root must be of the given kind (array or object).</summary>
    public static void ExpectKind(JsonElement element, JsonValueKind kind, string where)
    {
        if (element.ValueKind != kind)
            throw new DatasetFormatException($"{where}: expected a JSON {Describe(kind)}, found {Describe(element.ValueKind)}.");
    }

    /// <summary>A required string property.</summary>
    public static string RequiredString(JsonElement record, string name, string where)
    {
        if (record.ValueKind != JsonValueKind.Object)
            throw new DatasetFormatException($"{where}: expected a JSON object, found {Describe(record.ValueKind)}.");
        if (!record.TryGetProperty(name, out var value))
            throw new DatasetFormatException($"{where}: missing field '{name}'.");
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new DatasetFormatException($"{where}: field '{name}' must be a string, found {Describe(value.ValueKind)}.");
    }

    /// <summary>A scalar as the text Python's <c>str()</c> would give for ids (strings as is, numbers as written).</summary>
    public static string? ScalarText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        _ => null,
    };

    /// <summary>Every top-level string property of a record, in file order, so prompt packs can name any of them.</summary>
    public static Dictionary<string, string> StringFields(JsonElement record)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in record.EnumerateObject())
            if (p.Value.ValueKind == JsonValueKind.String)
                fields[p.Name] = p.Value.GetString()!;
        return fields;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString().ToLower(CultureInfo.InvariantCulture),
    };
}
