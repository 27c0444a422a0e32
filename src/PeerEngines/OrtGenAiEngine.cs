using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace BioEval.PeerEngines;

/// <summary>
/// ONNX Runtime GenAI (Microsoft's own decoding loop over ONNX Runtime) running a model folder through its
/// genai_config.json, on the CPU provider. It is the closest peer to BioEval's engine: same ONNX graph, same runtime
/// underneath, so a speed ratio measures the decoding loops, and equal greedy tokens check BioEval's cache handling.
/// </summary>
public sealed class OrtGenAiEngine : IPeerEngine
{
    // GenAI wants one handle alive for the process and shuts its runtime down when it is disposed; later models
    // would then fail to load, so the handle lives until the process exits.
    private static readonly Lazy<OgaHandle> Handle = new(() =>
    {
        var handle = new OgaHandle();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => handle.Dispose();
        return handle;
    });

    private readonly Model _model;
    private readonly HashSet<int> _eos;

    private OrtGenAiEngine(Model model, HashSet<int> eos)
    {
        _model = model;
        _eos = eos;
    }

    public string Name => "ortgenai";

    /// <summary>
    /// Loads <paramref name="modelDir"/> (it must hold genai_config.json) on the CPU provider with
    /// <paramref name="intraOpThreads"/> threads per operator (0: ONNX Runtime's default).
    /// </summary>
    public static OrtGenAiEngine Open(string modelDir, int intraOpThreads = 0)
    {
        var configPath = Path.Combine(modelDir, "genai_config.json");
        if (!File.Exists(configPath))
            throw new FileNotFoundException($"ONNX Runtime GenAI needs '{configPath}', which does not exist.", configPath);
        var eos = ReadEosIds(configPath);
        _ = Handle.Value;
        using var config = new Config(modelDir);
        config.ClearProviders();
        if (intraOpThreads > 0)
            config.Overlay("{\"model\":{\"decoder\":{\"session_options\":{\"intra_op_num_threads\":"
                + intraOpThreads.ToString(CultureInfo.InvariantCulture) + ",\"inter_op_num_threads\":1}}}}");
        return new OrtGenAiEngine(new Model(config), eos);
    }

    /// <summary>
    /// Greedy continuations, all prompts decoded as one batch. The prompts must have equal lengths: GenAI 0.18 does
    /// take left-padded batches (pad token = masked), but on this graph layout its padded rows then diverge from its
    /// own unpadded output (BioEval's do not), so a padded batch would compare the engines on different work.
    /// Each row ends before its first end-of-sequence token or after <paramref name="maxNewTokens"/> tokens, as
    /// BioEval's generator reports it.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<int>> GenerateGreedy(IReadOnlyList<IReadOnlyList<int>> prompts, int maxNewTokens)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNewTokens, 1);
        if (prompts.Count == 0) return [];
        var length = prompts[0].Count;
        if (length == 0) throw new ArgumentException("Prompts must not be empty.", nameof(prompts));
        if (prompts.Any(p => p.Count != length))
            throw new ArgumentException($"ONNX Runtime GenAI peer: batched prompts must have equal lengths (got {string.Join(", ", prompts.Select(p => p.Count).Distinct())} tokens); its left-padded rows do not match its own unpadded output.", nameof(prompts));
        var ids = new int[prompts.Count * length];
        for (var r = 0; r < prompts.Count; r++)
            for (var t = 0; t < length; t++) ids[r * length + t] = prompts[r][t];

        using var parameters = new GeneratorParams(_model);
        parameters.SetSearchOption("batch_size", prompts.Count);
        parameters.SetSearchOption("max_length", length + maxNewTokens);
        parameters.SetSearchOption("do_sample", false);
        parameters.SetSearchOption("num_beams", 1);
        using var generator = new Generator(_model, parameters);
        generator.AppendTokens(ids);
        while (!generator.IsDone()) generator.GenerateNextToken();

        var outputs = new IReadOnlyList<int>[prompts.Count];
        for (var r = 0; r < prompts.Count; r++)
        {
            var sequence = generator.GetSequence((ulong)r);
            var generated = new List<int>(maxNewTokens);
            for (var i = length; i < sequence.Length && generated.Count < maxNewTokens; i++)
            {
                if (_eos.Contains(sequence[i])) break;
                generated.Add(sequence[i]);
            }
            outputs[r] = generated;
        }
        return outputs;
    }

    public void Dispose() => _model.Dispose();

    private static HashSet<int> ReadEosIds(string configPath)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(configPath));
            var eos = new HashSet<int>();
            if (doc.RootElement.GetProperty("model").TryGetProperty("eos_token_id", out var e))
            {
                if (e.ValueKind == JsonValueKind.Array) foreach (var x in e.EnumerateArray()) eos.Add(x.GetInt32());
                else eos.Add(e.GetInt32());
            }
            return eos;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"'{configPath}': expected an object \"model\" with an integer or integer-array eos_token_id ({ex.Message}).", ex);
        }
    }
}
