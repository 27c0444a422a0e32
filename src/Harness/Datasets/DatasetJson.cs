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

    /// <summary>Parses one JSON text; <paramref name="where"/> names it in errors (file and line).</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> json, string where)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            var at = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : "";
            throw new DatasetFormatException($"{where}: invalid JSON{at}: {e.Message}", e);
        }
    }

    /// <summary>The file's bytes; a missing file is reported as such rather than as a format error.</summary>
    public static byte[] ReadAllBytes(string path) => File.Exists(path)
        ? File.ReadAllBytes(path)
        : throw new FileNotFoundException($"Dataset file not found: {path}", path);

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
