using System.Globalization;
using BioEval.Models.Baselines;
using BioEval.Models.Onnx;
using BioEval.Models.Tiny;
using Microsoft.Extensions.AI;

namespace BioEval.Models;

/// <summary>An option a backend kind accepts: its name (or name prefix) and a check returning a problem, or null when valid.</summary>
public sealed record ModelOption(string Name, Func<string, string?> Check, bool Prefix = false, bool Required = false)
{
    public static string? PositiveInteger(string v) =>
        int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i >= 1 ? null : $"must be an integer of at least 1, got '{v}'";
}

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
        // A model on an OpenAI-compatible server (vLLM, TGI, SGLang, bioeval serve).
        ["openai"] = s => new Remote.RemoteChatClient(s.Name, Remote.RemoteOptions.From(s)),
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

    /// <summary>Adds a backend, with the options its entries may set (checked by <see cref="Problems"/>).</summary>
    public static void Register(string kind, Func<ModelSpec, IChatClient> builder, IReadOnlyList<ModelOption>? options = null)
    {
        Builders[kind] = builder;
        Options[kind] = options ?? [];
    }

    private static readonly ModelOption[] OnnxOptionList =
    [
        new("max_batch_size", ModelOption.PositiveInteger),
        new("max_batch_tokens", ModelOption.PositiveInteger),
        new("device", v => v is "auto" or "cuda" or "cpu" ? null : $"must be auto, cuda or cpu, got '{v}'"),
        new("threads", v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i >= 0 ? null : $"must be an integer of at least 0 (0: ONNX Runtime's default), got '{v}'"),
        new("chat_template", _ => null),
        new("add_special_tokens", v => bool.TryParse(v, out _) ? null : $"must be true or false, got '{v}'"),
    ];

    private static readonly Dictionary<string, IReadOnlyList<ModelOption>> Options = new(StringComparer.OrdinalIgnoreCase)
    {
        ["oracle"] = [],
        ["constant"] = [new("text", _ => null), new("text.", _ => null, Prefix: true)],
        ["majority"] = [new("fallback", _ => null)],
        ["lead"] = [new("sentences", ModelOption.PositiveInteger)],
        ["onnx"] = OnnxOptionList,
        ["openai"] = Remote.RemoteOptions.Rules,
        ["tiny"] = [.. OnnxOptionList, new("seed", v => System.Numerics.BigInteger.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? null : $"must be an integer, got '{v}'", Required: true)],
    };

    /// <summary>
    /// Everything wrong with a registry entry, without loading the model: an unknown kind or option (with the nearest
    /// known name), a malformed value, a missing required option or path, and for a model folder the files the engine
    /// needs (the folder itself, a tokenizer, tokenizer_config.json, the ONNX graph). Each problem starts with
    /// <paramref name="where"/>.
    /// </summary>
    public static IReadOnlyList<string> Problems(ModelSpec spec, string where, bool files = true)
    {
        var problems = new List<string>();
        if (!Options.TryGetValue(spec.Kind, out var known))
        {
            problems.Add($"{where}: unknown kind '{spec.Kind}'{Hint(spec.Kind, Builders.Keys)}. Known kinds: {string.Join(", ", Builders.Keys)}.");
            return problems;
        }
        foreach (var (key, value) in spec.Options ?? new Dictionary<string, string>())
        {
            var option = known.FirstOrDefault(o => o.Prefix ? key.StartsWith(o.Name, StringComparison.Ordinal) : o.Name == key);
            if (option is null)
                problems.Add($"{where}: unknown option \"{key}\" for kind {spec.Kind}{Hint(key, known.Where(o => !o.Prefix).Select(o => o.Name))}. Known options: {(known.Count == 0 ? "none" : string.Join(", ", known.Select(o => o.Prefix ? o.Name + "<task>" : o.Name)))}.");
            else if (option.Check(value) is { } problem)
                problems.Add($"{where}: option \"{key}\" {problem}.");
        }
        foreach (var required in known.Where(o => o.Required && spec.Option(o.Name) is null))
            problems.Add($"{where}: kind {spec.Kind} needs option \"{required.Name}\".");
        if (files && spec.Kind.Equals("onnx", StringComparison.OrdinalIgnoreCase)) problems.AddRange(FolderProblems(spec, where));
        if (files && spec.Kind.Equals("openai", StringComparison.OrdinalIgnoreCase) && spec.Option("tokenizer") is { } tokenizer && !Directory.Exists(tokenizer))
            problems.Add($"{where}: option \"tokenizer\": tokenizer folder {tokenizer} does not exist.");
        if (files && spec.Option("chat_template") is { } template && !File.Exists(template))
            problems.Add($"{where}: option \"chat_template\": {(Directory.Exists(template) ? $"{template} is a folder, not a template file" : $"template file {template} does not exist")}.");
        else if (spec.Kind.Equals("tiny", StringComparison.OrdinalIgnoreCase) && spec.Path is null)
            problems.Add($"{where}: kind tiny needs a \"path\" (the folder the generated model is cached in).");
        return problems;
    }

    /// <summary>Parses an onnx entry's tokenizer and chat template (cheap next to its weights), throwing what is wrong with them.</summary>
    public static void CheckTokenizerAndTemplate(ModelSpec spec)
    {
        var dir = RequirePath(spec);
        Tokenization.HfTokenizer.FromDirectory(dir);
        var templateFile = spec.Option("chat_template");
        Templates.ChatTemplate.FromTokenizerConfig(System.IO.Path.Combine(dir, "tokenizer_config.json"),
            templateFile is null ? null : File.ReadAllText(templateFile), templateFile);
    }

    private static IEnumerable<string> FolderProblems(ModelSpec spec, string where)
    {
        if (spec.Path is not { } dir)
        {
            yield return $"{where}: kind onnx needs a \"path\" to its model folder.";
            yield break;
        }
        if (ModelFolder.Problem(dir) is { } problem)
        {
            yield return $"{where}: {problem}";
            yield break;
        }
        if (!File.Exists(System.IO.Path.Combine(dir, "tokenizer.json")) && !File.Exists(System.IO.Path.Combine(dir, "vocab.txt")))
            yield return $"{where}: model folder {dir} has no tokenizer.json.";
        if (!File.Exists(System.IO.Path.Combine(dir, "tokenizer_config.json")) && spec.Option("chat_template") is null)
            yield return $"{where}: model folder {dir} has no tokenizer_config.json (which holds the chat template; or give option \"chat_template\").";
        if (!File.Exists(System.IO.Path.Combine(dir, "genai_config.json")) && !File.Exists(System.IO.Path.Combine(dir, "model.onnx")) && !File.Exists(System.IO.Path.Combine(dir, "onnx", "model.onnx")))
            yield return $"{where}: model folder {dir} has no model.onnx, onnx/model.onnx or genai_config.json.";
    }

    private static string Hint(string name, IEnumerable<string> known) => NearestName.Hint(name, known);

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
