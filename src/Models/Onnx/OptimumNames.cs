namespace BioEval.Models.Onnx;

/// <summary>Input/output names of the Hugging Face Optimum <c>text-generation-with-past</c> decoder layout.</summary>
public static class OptimumNames
{
    public const string InputIds = "input_ids";
    public const string AttentionMask = "attention_mask";
    public const string PositionIds = "position_ids";
    public const string Logits = "logits";
    public const string PastKeyTemplate = "past_key_values.%d.key";
    public const string PastValueTemplate = "past_key_values.%d.value";
    public const string PresentKeyTemplate = "present.%d.key";
    public const string PresentValueTemplate = "present.%d.value";

    public static string PastKey(int layer) => Format(PastKeyTemplate, layer);
    public static string PastValue(int layer) => Format(PastValueTemplate, layer);
    public static string PresentKey(int layer) => Format(PresentKeyTemplate, layer);
    public static string PresentValue(int layer) => Format(PresentValueTemplate, layer);

    /// <summary>Fills the <c>%d</c> of a genai-style name template.</summary>
    public static string Format(string template, int layer) =>
        template.Replace("%d", layer.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
