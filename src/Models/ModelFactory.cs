using BioEval.Models.Baselines;
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
        ["lead"] = s => new LeadChatClient(s.Name, int.Parse(s.Option("sentences") ?? "2", System.Globalization.CultureInfo.InvariantCulture)),
    };

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
