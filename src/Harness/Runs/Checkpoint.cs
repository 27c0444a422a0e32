using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BioEval.Harness.Runs;

/// <summary>
/// What a checkpointed output was produced under: the task and its version, the model's registry name and identity
/// (<see cref="Models.ModelIdentity"/>: weights, config, tokenizer, chat template, output-changing options), the
/// generation limit and every decoding setting. An output is reused only under an equal scope and prompt hash.
/// </summary>
public sealed record CheckpointScope(string Task, int TaskVersion, string Model, string ModelIdentity, int MaxNewTokens, DecodingSettings Decoding)
{
    /// <summary>SHA-256 of the scope's fields (the seed in full, the repeat count left out: repeat r's seed is seed + r).</summary>
    public string Key { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new[]
    {
        Task, TaskVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), Model, ModelIdentity,
        MaxNewTokens.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Decoding.Temperature.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        Decoding.TopP?.ToString("R", System.Globalization.CultureInfo.InvariantCulture) ?? "none",
        Decoding.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
    }))));

    /// <summary>The file of this task × model: named by a hash of both, so no two names can share one.</summary>
    public string FileName => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new[] { Task, Model }))))[..32] + ".jsonl";
}

/// <summary>
/// Appends every model output to <c>checkpoints/&lt;hash of task and model&gt;.jsonl</c> the moment it arrives, so an
/// interrupted run loses nothing. With <paramref name="resume"/>, an output recorded earlier under the same
/// <see cref="CheckpointScope"/>, item, repeat and prompt hash is reused instead of asking the model again; anything
/// else in the file is ignored, as is a torn last line left by a kill.
/// </summary>
public sealed class Checkpoint(string directory, bool resume)
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _opened = [];

    public string Directory { get; } = directory;

    /// <summary>Outputs recorded earlier under <paramref name="scope"/>, keyed by (item id, repeat, prompt hash); empty unless resuming.</summary>
    public Dictionary<(string Id, int Repeat, string PromptHash), string> Completed(CheckpointScope scope)
    {
        var result = new Dictionary<(string, int, string), string>();
        var path = Path.Combine(Directory, scope.FileName);
        if (!resume || !File.Exists(path)) return result;
        foreach (var line in File.ReadLines(path))
        {
            Entry? e;
            try { e = JsonSerializer.Deserialize<Entry>(line); }
            catch (JsonException) { continue; }
            if (e is { Scope: not null, Id: not null, PromptHash: not null, Output: not null } && e.Scope == scope.Key && e.Task == scope.Task && e.Model == scope.Model)
                result[(e.Id, e.Repeat, e.PromptHash)] = e.Output;
        }
        return result;
    }

    /// <summary>Records one output (thread-safe; one line per output, flushed at once).</summary>
    public void Append(CheckpointScope scope, string id, int repeat, string promptHash, string output)
    {
        var line = JsonSerializer.Serialize(new Entry(scope.Key, scope.Task, scope.Model, id, repeat, promptHash, output));
        lock (_gate)
        {
            System.IO.Directory.CreateDirectory(Directory);
            var path = Path.Combine(Directory, scope.FileName);
            // A torn last line from a killed run is ended first, so this entry does not fuse with it.
            if (_opened.Add(path) && EndsTorn(path)) line = "\n" + line;
            File.AppendAllText(path, line + "\n");
        }
    }

    private static bool EndsTorn(string path)
    {
        if (!File.Exists(path)) return false;
        using var stream = File.OpenRead(path);
        if (stream.Length == 0) return false;
        stream.Seek(-1, SeekOrigin.End);
        return stream.ReadByte() != '\n';
    }

    private sealed record Entry(
        [property: JsonPropertyName("scope")] string? Scope,
        [property: JsonPropertyName("task")] string? Task,
        [property: JsonPropertyName("model")] string? Model,
        [property: JsonPropertyName("id")] string? Id,
        [property: JsonPropertyName("repeat")] int Repeat,
        [property: JsonPropertyName("prompt_hash")] string? PromptHash,
        [property: JsonPropertyName("output")] string? Output);
}

/// <summary>
/// How a likelihood-scored item is checkpointed: its options' summed log-probabilities and token counts as the output
/// text (<c>{"logprobs":[...],"tokens":[...]}</c>), read back only for the same number of options.
/// </summary>
public static class LikelihoodCheckpoint
{
    public static string Write(Results.OptionLikelihoods likelihoods) =>
        JsonSerializer.Serialize(new Saved([.. likelihoods.Logprobs], [.. likelihoods.Tokens]));

    /// <summary>The saved figures for <paramref name="choices"/>, or null when the text is not such a record for as many options.</summary>
    public static Results.OptionLikelihoods? Read(string text, IReadOnlyList<string> choices)
    {
        try
        {
            return JsonSerializer.Deserialize<Saved>(text) is { Logprobs: { } l, Tokens: { } t } && l.Length == choices.Count && t.Length == choices.Count
                ? new Results.OptionLikelihoods(choices, l, t) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Saved([property: JsonPropertyName("logprobs")] double[]? Logprobs, [property: JsonPropertyName("tokens")] int[]? Tokens);
}
