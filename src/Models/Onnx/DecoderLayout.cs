using System.Text.Json;

namespace BioEval.Models.Onnx;

/// <summary>
/// The input/output names of a decoder-only ONNX model with a key/value cache. Two layouts exist in the
/// wild: Hugging Face Optimum exports and onnxruntime-genai model-builder folders (names in genai_config.json).
/// </summary>
public sealed record DecoderLayout(
    string Kind,
    string InputIds,
    string AttentionMask,
    string? PositionIds,
    string Logits,
    IReadOnlyList<string> PastKeys,
    IReadOnlyList<string> PastValues,
    IReadOnlyList<string> PresentKeys,
    IReadOnlyList<string> PresentValues)
{
    public const string OptimumKind = "optimum";
    public const string GenAiKind = "genai";

    public int NumLayers => PastKeys.Count;

    /// <summary>
    /// Chooses the layout that fits the model's inputs and outputs: Optimum names first, then the templates of
    /// genai_config.json when the folder has one. A model that fits neither gets an error listing what it has.
    /// </summary>
    public static DecoderLayout Detect(IReadOnlyCollection<string> inputs, IReadOnlyCollection<string> outputs, JsonElement? genAiDecoder, string modelPath)
    {
        var tried = new List<string>();
        var optimum = TryBuild(OptimumKind, inputs, outputs,
            OptimumNames.InputIds, OptimumNames.AttentionMask, OptimumNames.PositionIds, OptimumNames.Logits,
            OptimumNames.PastKeyTemplate, OptimumNames.PastValueTemplate, OptimumNames.PresentKeyTemplate, OptimumNames.PresentValueTemplate, tried);
        if (optimum is not null) return optimum;

        if (genAiDecoder is { } decoder)
        {
            string Name(string section, string key, string fallback) => GenAiName(decoder, section, key, fallback);
            var genai = TryBuild(GenAiKind, inputs, outputs,
                Name("inputs", "input_ids", OptimumNames.InputIds),
                Name("inputs", "attention_mask", OptimumNames.AttentionMask),
                Name("inputs", "position_ids", OptimumNames.PositionIds),
                Name("outputs", "logits", OptimumNames.Logits),
                Name("inputs", "past_key_names", "past_key_values.%d.key"),
                Name("inputs", "past_value_names", "past_key_values.%d.value"),
                Name("outputs", "present_key_names", "present.%d.key"),
                Name("outputs", "present_value_names", "present.%d.value"), tried);
            if (genai is not null) return genai;
        }

        throw new InvalidDataException(
            $"ONNX model '{modelPath}' is not a decoder with a key/value cache in a known layout.\n" +
            $"  inputs found: {string.Join(", ", inputs)}\n  outputs found: {string.Join(", ", outputs)}\n" +
            $"  expected: {string.Join("; or ", tried)}");
    }

    /// <summary>A name genai_config.json's decoder section gives (e.g. "outputs"/"logits"), or <paramref name="fallback"/>.</summary>
    internal static string GenAiName(JsonElement? genAiDecoder, string section, string key, string fallback) =>
        genAiDecoder is { } d && d.TryGetProperty(section, out var s) && s.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()! : fallback;

    private static DecoderLayout? TryBuild(
        string kind, IReadOnlyCollection<string> inputs, IReadOnlyCollection<string> outputs,
        string inputIds, string attentionMask, string positionIds, string logits,
        string pastKey, string pastValue, string presentKey, string presentValue, List<string> tried)
    {
        tried.Add($"{kind}: inputs {inputIds}, {attentionMask}, [{positionIds}], {pastKey}, {pastValue}; outputs {logits}, {presentKey}, {presentValue}");
        var inSet = inputs.ToHashSet(StringComparer.Ordinal);
        var outSet = outputs.ToHashSet(StringComparer.Ordinal);
        if (!inSet.Contains(inputIds) || !inSet.Contains(attentionMask) || !outSet.Contains(logits)) return null;
        var pk = new List<string>();
        var pv = new List<string>();
        var rk = new List<string>();
        var rv = new List<string>();
        for (var l = 0; inSet.Contains(OptimumNames.Format(pastKey, l)); l++)
        {
            var names = (OptimumNames.Format(pastKey, l), OptimumNames.Format(pastValue, l), OptimumNames.Format(presentKey, l), OptimumNames.Format(presentValue, l));
            if (!inSet.Contains(names.Item2) || !outSet.Contains(names.Item3) || !outSet.Contains(names.Item4)) return null;
            pk.Add(names.Item1);
            pv.Add(names.Item2);
            rk.Add(names.Item3);
            rv.Add(names.Item4);
        }
        if (pk.Count == 0) return null;
        // Every input must be one we feed; an extra one (e.g. use_cache_branch) means a layout we do not drive.
        var known = new HashSet<string>(pk.Concat(pv).Append(inputIds).Append(attentionMask).Append(positionIds), StringComparer.Ordinal);
        if (inSet.Any(n => !known.Contains(n))) return null;
        return new DecoderLayout(kind, inputIds, attentionMask, inSet.Contains(positionIds) ? positionIds : null, logits, pk, pv, rk, rv);
    }
}
