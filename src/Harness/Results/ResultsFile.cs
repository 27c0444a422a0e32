using System.Globalization;
using System.Numerics;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BioEval.Harness.Results;

/// <summary>Writes and reads results.json with the contract types (System.Text.Json source generation).</summary>
public static class ResultsFile
{
    private static readonly ResultsJsonContext Context = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        // Model and task names are written for people and tools, not embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        AllowTrailingCommas = false,
        // A file missing a field, or with null where the contract has none, is refused rather than read as defaults.
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    });

    /// <summary>The text of results.json for <paramref name="document"/>.</summary>
    public static string Serialize(ResultsDocument document) => JsonSerializer.Serialize(document, Context.ResultsDocument) + "\n";

    /// <summary>Reads results.json text; <paramref name="where"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">not valid JSON, not this contract, or a schema version this build does not know</exception>
    public static ResultsDocument Parse(string json, string where)
    {
        int? version;
        try
        {
            using var doc = JsonDocument.Parse(json);
            version = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("schema_version", out var v)
                && v.TryGetInt32(out var n) ? n : null;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(Datasets.DatasetJson.Describe(where, e, System.Text.Encoding.UTF8.GetBytes(json)), e);
        }
        if (version is null)
            throw new InvalidDataException($"{where}: no \"schema_version\"; results.json files before schema version {ResultsDocument.CurrentSchemaVersion} cannot be read back.");
        if (version != ResultsDocument.CurrentSchemaVersion)
            throw new InvalidDataException($"{where}: schema version {version} is not the {ResultsDocument.CurrentSchemaVersion} this build reads.");
        try
        {
            return JsonSerializer.Deserialize(json, Context.ResultsDocument) ?? throw new InvalidDataException($"{where}: empty document.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(Datasets.DatasetJson.Describe(where, e, System.Text.Encoding.UTF8.GetBytes(json)).Replace(": invalid JSON: ", ": does not match the results contract: ", StringComparison.Ordinal), e);
        }
    }

    public static ResultsDocument Read(string path) => Parse(File.ReadAllText(path), path);
}

[JsonSerializable(typeof(ResultsDocument))]
internal sealed partial class ResultsJsonContext : JsonSerializerContext;

/// <summary>An integer of any size as a plain JSON number (seeds may exceed 64 bits; Python reads them exactly).</summary>
internal sealed class BigIntegerJsonConverter : JsonConverter<BigInteger>
{
    public override BigInteger Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.Number) throw new JsonException("An integer is expected.");
        var text = System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan);
        return BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new JsonException($"{text} is not an integer.");
    }

    public override void Write(Utf8JsonWriter writer, BigInteger value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.ToString(CultureInfo.InvariantCulture), skipInputValidation: true);
}
