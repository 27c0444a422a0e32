using System.Globalization;

namespace BioEval.Models.Remote;

/// <summary>
/// A registry entry of kind <c>openai</c>: a model served by an OpenAI-compatible server (vLLM, TGI, SGLang,
/// <c>bioeval serve</c>).
/// </summary>
/// <param name="Endpoint">The API base, e.g. <c>http://host:8000/v1</c>.</param>
/// <param name="Model">The served model name sent as <c>model</c>.</param>
/// <param name="ApiKey">The key read from the variable <c>api_key_env</c> names; servers without keys get a placeholder.</param>
/// <param name="MaxConcurrency">Requests in flight at once (the server batches them).</param>
/// <param name="Timeout">Per-request timeout (each attempt).</param>
/// <param name="MaxRetries">Retries of a request after 429, 5xx, a timeout or a dropped connection (never after another 4xx).</param>
/// <param name="TokenizerFolder">The model's Hugging Face tokenizer files, for token counts (LongHealth's packing).</param>
/// <param name="ContextLength">The served context length, when the server does not report it (vLLM's /v1/models does).</param>
public sealed record RemoteOptions(
    Uri Endpoint, string Model, string? ApiKey, int MaxConcurrency, TimeSpan Timeout, int MaxRetries, string? TokenizerFolder, int? ContextLength)
{
    /// <summary>The options of an entry; assumes <see cref="ModelFactory.Problems"/> found none.</summary>
    public static RemoteOptions From(ModelSpec spec)
    {
        var endpoint = spec.Option("endpoint") ?? throw new ArgumentException($"Model '{spec.Name}' (kind openai) needs option \"endpoint\".");
        var model = spec.Option("model") ?? throw new ArgumentException($"Model '{spec.Name}' (kind openai) needs option \"model\".");
        string? key = null;
        if (spec.Option("api_key_env") is { } variable)
            key = Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
                ? value
                : throw new ArgumentException($"Model '{spec.Name}': option \"api_key_env\" names {variable}, which is not set.");
        return new RemoteOptions(
            new Uri(endpoint.TrimEnd('/') + "/"), model, key,
            Int(spec, "max_concurrency") ?? 32,
            TimeSpan.FromSeconds(Int(spec, "timeout_s") ?? 600),
            Int(spec, "max_retries") ?? 5,
            spec.Option("tokenizer"),
            Int(spec, "context_length"));
    }

    private static int? Int(ModelSpec spec, string key) =>
        spec.Option(key) is { } v ? int.Parse(v, NumberStyles.Integer, CultureInfo.InvariantCulture) : null;

    /// <summary>The checks of the entry's option values, for <see cref="ModelFactory"/>.</summary>
    public static IReadOnlyList<ModelOption> Rules { get; } =
    [
        new("endpoint", v => Uri.TryCreate(v, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps)
            ? null : $"must be an http(s) URL such as http://host:8000/v1, got '{v}'", Required: true),
        new("model", v => v.Length > 0 ? null : "must name the served model", Required: true),
        new("api_key_env", v => v.Length > 0 ? null : "must name an environment variable"),
        new("max_concurrency", ModelOption.PositiveInteger),
        new("timeout_s", ModelOption.PositiveInteger),
        new("max_retries", v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i >= 0 ? null : $"must be an integer of at least 0, got '{v}'"),
        new("tokenizer", _ => null),
        new("context_length", ModelOption.PositiveInteger),
    ];
}
