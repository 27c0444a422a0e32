using System.Text.Json;

namespace BioEval.Models.Tokenization;

/// <summary>Reading the component objects of tokenizer.json: their type, flags, and the refusal of types not implemented.</summary>
internal static class HfJson
{
    /// <summary>The component's <c>type</c>; <paramref name="where"/> (file and path) names it in the error.</summary>
    public static string Type(JsonElement node, string where) =>
        node.ValueKind == JsonValueKind.Object && node.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
            ? t.GetString()!
            : throw new InvalidDataException($"{where}: a component needs a string \"type\", got {Shorten(node.GetRawText())}.");

    public static bool Bool(JsonElement node, string name, bool fallback) =>
        node.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;

    public static string? String(JsonElement node, string name) =>
        node.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>
    /// A component type BioEval does not implement: refused, naming the file, the place and the type, so that a
    /// tokenizer is never run with a step silently skipped (which would give other ids than Hugging Face).
    /// </summary>
    public static NotSupportedException Unsupported(string where, string kind, string type, IEnumerable<string> supported) =>
        new($"{where}: {kind} type '{type}' is not supported by BioEval's tokenizer (supported: {string.Join(", ", supported)}).");

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..80] + "...";
}
