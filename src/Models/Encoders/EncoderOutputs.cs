using System.Globalization;
using System.Text.RegularExpressions;

namespace BioEval.Models.Encoders;

/// <summary>
/// Which output of an exported encoder holds the hidden states of the asked-for layer. Two kinds of export give them:
/// <list type="bullet">
/// <item>The plain feature-extraction export has <c>last_hidden_state</c>, the output of the last layer. Exporting a
/// model cut to its first N layers makes that layer N, which is exactly what bert_score computes: it truncates the
/// model's layer list to <c>num_layers</c> and takes the last hidden state. config.json's <c>num_hidden_layers</c> (the
/// cut model's) says which layer it is, so <c>Layer = N</c> is accepted for it.</item>
/// <item>An export with every layer's states as outputs <c>hidden_states.N</c> (N = 0 for the embedding layer up to L
/// for the last; <c>hidden_states_N</c> is read too): any N the file has.</item>
/// </list>
/// </summary>
/// <remarks>
/// SciBERT at layer 8, as bert_score's <c>lang="en-sci"</c> uses it, exported the first way (Python, with transformers
/// and optimum installed):
/// <code>
/// python -c "from transformers import AutoModel, AutoTokenizer; n='allenai/scibert_scivocab_uncased'; \
///   AutoModel.from_pretrained(n, num_hidden_layers=8).save_pretrained('scibert-l8'); \
///   AutoTokenizer.from_pretrained(n).save_pretrained('scibert-l8')"
/// optimum-cli export onnx --model scibert-l8 --task feature-extraction scibert-l8-onnx/
/// </code>
/// then <c>bioeval score --metric bertscore --model scibert-l8-onnx --layer 8</c> (or without <c>--layer</c>: the last
/// layer is layer 8). The export writes model.onnx with inputs input_ids, attention_mask, token_type_ids and output
/// last_hidden_state, and the saved tokenizer files beside it. Loading with <c>num_hidden_layers=8</c> drops the weights
/// of layers 9 to 12 (transformers warns that they are unused); layers 1 to 8 compute as in the full model.
/// These commands follow the documented options of transformers and optimum-cli; they were not run here (no network).
/// The per-layer <c>hidden_states.N</c> naming is BioEval's convention for an export that returns all layers (for example
/// <c>torch.onnx.export</c> of a wrapper returning the model's <c>hidden_states</c> tuple with
/// <c>output_names=[f"hidden_states.{i}" ...]</c>); whether a given Optimum version can write such outputs by itself
/// (its <c>--model-kwargs</c> / custom ONNX configs) was not verified.
/// </remarks>
public static partial class EncoderOutputs
{
    /// <summary>The output of the plain feature-extraction export (Optimum, sentence-transformers).</summary>
    public const string LastHiddenState = "last_hidden_state";

    [GeneratedRegex(@"^hidden_states[._](\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex HiddenStateName();

    /// <summary>
    /// The output to read for <paramref name="layer"/> (null: the last layer) among <paramref name="outputNames"/>, and
    /// the layer it is (null where neither the file nor config.json says). <paramref name="configLayers"/> is config.json's
    /// num_hidden_layers, when the folder has one.
    /// </summary>
    /// <exception cref="ArgumentException">the layer is negative, or no output holds it; the message says which layers the model has</exception>
    public static (string Name, int? Layer) Choose(IReadOnlyCollection<string> outputNames, int? layer, int? configLayers, string modelPath)
    {
        if (layer < 0) throw new ArgumentException($"Layer {layer} is out of range: layers are numbered from 0 (the embedding layer).");
        var perLayer = new SortedDictionary<int, string>();
        foreach (var name in outputNames)
            if (HiddenStateName().Match(name) is { Success: true } m && int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                perLayer[n] = name;
        var hasLast = outputNames.Contains(LastHiddenState);

        if (perLayer.Count > 0)
        {
            var last = perLayer.Keys.Max();
            if (layer is null) return (perLayer[last], last);
            if (perLayer.TryGetValue(layer.Value, out var name)) return (name, layer);
            throw new ArgumentException($"Layer {layer} is out of range: {modelPath} has hidden states of layers {string.Join(", ", perLayer.Keys)}.");
        }
        if (!hasLast)
            throw new ArgumentException($"{modelPath} has neither a {LastHiddenState} output nor hidden_states.N outputs (its outputs: {string.Join(", ", outputNames)}); export it for feature extraction.");
        if (layer is null || layer == configLayers) return (LastHiddenState, configLayers);
        var which = configLayers is { } l
            ? $"only {LastHiddenState}, the output of its last layer, {l} (config.json num_hidden_layers)"
            : $"only {LastHiddenState}, and no config.json says which layer that is";
        throw new ArgumentException(
            $"Layer {layer} is out of range: {modelPath} outputs {which}. Export the model cut to {layer} layers, or with hidden_states.N outputs (see EncoderOutputs).");
    }
}
