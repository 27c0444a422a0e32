using System.Text;
using System.Text.Json;

namespace BioEval.Models.Tokenization;

/// <summary>
/// The <c>normalizer</c> of tokenizer.json as a text-to-text function (Prepend, Replace, NFC/NFD/NFKC/NFKD,
/// Lowercase, Strip, Sequence). Gap filled: Microsoft.ML.Tokenizers has no reader for Hugging Face normalizer
/// configs, and Hugging Face applies the normalizer to each stretch of text between added tokens separately,
/// which is what makes Llama 2 / Mistral put '▁' after every special token.
/// </summary>
internal sealed class HfNormalizer
{
    private readonly Func<string, string> _apply;

    private HfNormalizer(Func<string, string> apply) => _apply = apply;

    public static HfNormalizer? FromJson(JsonElement node, string where)
    {
        if (node.ValueKind == JsonValueKind.Null || node.ValueKind == JsonValueKind.Undefined) return null;
        return new HfNormalizer(Build(node, where));
    }

    public string Normalize(string text) => _apply(text);

    private static Func<string, string> Build(JsonElement node, string where)
    {
        var type = node.GetProperty("type").GetString();
        switch (type)
        {
            case "Sequence":
                var steps = node.GetProperty("normalizers").EnumerateArray().Select((n, i) => Build(n, $"{where}.normalizers[{i}]")).ToArray();
                return text => steps.Aggregate(text, (t, f) => f(t));
            case "Prepend":
                var prefix = node.GetProperty("prepend").GetString()!;
                // Hugging Face prepends only to non-empty text.
                return text => text.Length == 0 ? text : prefix + text;
            case "Replace":
                var regex = HfRegex.FromPattern(node.GetProperty("pattern"), $"{where}.pattern");
                var content = node.GetProperty("content").GetString()!;
                return text => regex.Replace(text, content.Replace("$", "$$"));
            case "NFC": return text => text.Normalize(NormalizationForm.FormC);
            case "NFD": return text => text.Normalize(NormalizationForm.FormD);
            case "NFKC": return text => text.Normalize(NormalizationForm.FormKC);
            case "NFKD": return text => text.Normalize(NormalizationForm.FormKD);
            case "Lowercase": return text => text.ToLowerInvariant();
            case "Strip":
                var left = node.TryGetProperty("strip_left", out var l) && l.GetBoolean();
                var right = node.TryGetProperty("strip_right", out var r) && r.GetBoolean();
                return text => left && right ? text.Trim() : left ? text.TrimStart() : right ? text.TrimEnd() : text;
            default:
                throw new NotSupportedException($"{where}: normalizer type '{type}' is not supported.");
        }
    }
}
