using System.Globalization;
using BioEval.Models.Baselines;
using BioEval.Models.Onnx;
using BioEval.Models.Tiny;
using Microsoft.Extensions.AI;

namespace BioEval.Models;

/// <summary>
/// Creates the chat client a registry entry describes. New backends register here, so the harness
/// never needs to know which kind of model it is talking to.
/// </summary>
public static class ModelFactory
{
    /// <summary>The backends known to this build.</summary>
    public static IReadOnlyList<string> Kinds => [.. Builders.Keys];

    private static readonly Dictionary<string, Func<ModelSpec, IChatClient>> Builders = new(StringComparer.OrdinalIgnoreCase)
    {
        ["oracle"] = s => new OracleChatClient(s.Name),
        ["constant"] = s => new ConstantChatClient(s.Name, s.Option("text") ?? "", PerTask(s)),
        ["majority"] = s => new MajorityChatClient(s.Name, s.Option("fallback") ?? ""),
        ["lead"] = s => new LeadChatClient(s.Name, Int(s, "sentences") ?? 2),
        // A model folder exported to ONNX (Optimum or onnxruntime-genai layout) with its Hugging Face tokenizer files.
        ["onnx"] = s => new OnnxChatClient(s.Name, RequirePath(s), OnnxOptions(s)),
        // The embedded tiny model: an onnx folder generated from a seed on first use (option "seed").
        ["tiny"] = s => new OnnxChatClient(s.Name,
            TinyModelCache.Ensure(RequirePath(s), s.Option("seed") is { } seed
                ? ParseSeed(s, seed)
                : throw new ArgumentException($"Model '{s.Name}' (kind tiny) needs option \"seed\".")),
            OnnxOptions(s)),
    };

    private static OnnxChatOptions OnnxOptions(ModelSpec s) => new(
        MaxBatchSize: Int(s, "max_batch_size") ?? 8,
        MaxBatchTokens: Int(s, "max_batch_tokens") ?? 4096,
        Session: new OnnxSessionOptions
        {
            PreferCuda = !string.Equals(s.Option("device"), "cpu", StringComparison.OrdinalIgnoreCase),
            IntraOpNumThreads = Int(s, "threads") ?? 0,
        },
        ChatTemplateFile: s.Option("chat_template"),
        // "true" reproduces the reference's input: vLLM 0.6.6 added the tokenizer's BOS to a template that writes one.
        AddSpecialTokens: Bool(s, "add_special_tokens") ?? false);

    private static string RequirePath(ModelSpec s) =>
        s.Path ?? throw new ArgumentException($"Model '{s.Name}' (kind {s.Kind}) needs a \"path\" to its model folder.");

    private static int? Int(ModelSpec s, string key) =>
        s.Option(key) is not { } v ? null
        : int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i
        : throw new ArgumentException($"Model '{s.Name}': option \"{key}\" must be an integer, got '{v}'.");

    private static System.Numerics.BigInteger ParseSeed(ModelSpec s, string value)
    {
        try
        {
            return SeedValue.Parse(value, $"Model '{s.Name}': option \"seed\"");
        }
        catch (FormatException e)
        {
            throw new ArgumentException(e.Message, e);
        }
    }

    private static bool? Bool(ModelSpec s, string key) =>
        s.Option(key) is not { } v ? null
        : bool.TryParse(v, out var b) ? b
        : throw new ArgumentException($"Model '{s.Name}': option \"{key}\" must be true or false, got '{v}'.");

    /// <summary>Adds a backend (the ONNX engine registers itself this way).</summary>
    public static void Register(string kind, Func<ModelSpec, IChatClient> builder) => Builders[kind] = builder;

    /// <summary>Creates the client of <paramref name="spec"/>; an unknown kind lists the known ones.</summary>
    public static IChatClient Create(ModelSpec spec) =>
        Builders.TryGetValue(spec.Kind, out var build)
            ? build(spec)
            : throw new ArgumentException($"Model '{spec.Name}' has unknown kind '{spec.Kind}'. Known kinds: {string.Join(", ", Builders.Keys)}.");

    private static Dictionary<string, string> PerTask(ModelSpec s) =>
        (s.Options ?? new Dictionary<string, string>())
            .Where(kv => kv.Key.StartsWith("text.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key["text.".Length..], kv => kv.Value);
}
