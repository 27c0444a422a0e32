using System.Text.Json;
using System.Text.RegularExpressions;

namespace BioEval.Models.Tokenization;

/// <summary>Reads the <c>{"String": ...}</c> / <c>{"Regex": ...}</c> pattern objects of tokenizer.json.</summary>
internal static class HfRegex
{
    // The patterns in Llama 3 / Qwen / GPT-4 style files (\p{L}, \p{N}, (?i:...), lookahead) mean the same in
    // .NET as in the Oniguruma/Rust engines Hugging Face uses; one known difference: .NET classifies the
    // UTF-16 halves of astral letters (e.g. CJK Extension B) as Cs, not \p{L}.
    public static Regex FromPattern(JsonElement pattern, string where)
    {
        if (pattern.ValueKind == JsonValueKind.Object)
        {
            if (pattern.TryGetProperty("String", out var s) && s.ValueKind == JsonValueKind.String)
                return new Regex(Regex.Escape(s.GetString()!), RegexOptions.CultureInvariant);
            if (pattern.TryGetProperty("Regex", out var r) && r.ValueKind == JsonValueKind.String)
                return new Regex(r.GetString()!, RegexOptions.CultureInvariant | RegexOptions.Compiled);
        }
        throw new InvalidDataException($"{where}: pattern must be {{\"String\": ...}} or {{\"Regex\": ...}}, got {pattern.GetRawText()}.");
    }
}
