using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using BioEval.Harness.Datasets;

namespace BioEval.Harness.Prompts;

/// <summary>
/// The wording of a task's prompts, kept in data so that it can be swapped without touching code.
/// Templates name sample fields in braces (<c>{sentence1}</c>); <c>{reference}</c> is the sample's
/// reference. <see cref="AssistantPrefix"/> starts every few-shot assistant turn, e.g. "ICD-10 Codes: "
/// (as in the reference, the evaluated turn is not prefilled: the model writes its whole answer).
/// </summary>
public sealed partial record PromptPack(
    [property: JsonPropertyName("task")] string Task,
    [property: JsonPropertyName("system")] string? System,
    [property: JsonPropertyName("user")] string User,
    [property: JsonPropertyName("assistant")] string Assistant,
    [property: JsonPropertyName("assistantPrefix")] string? AssistantPrefix = null,
    [property: JsonPropertyName("strings")] IReadOnlyDictionary<string, string>? Strings = null)
{
    /// <summary>SHA-256 of the pack's canonical JSON, recorded with results so runs with other wording are told apart.</summary>
    [JsonIgnore]
    public string Hash => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(this))));

    /// <summary>A named extra string of the pack (e.g. an option label); throws naming the key when missing.</summary>
    public string String(string key) => Strings is not null && Strings.TryGetValue(key, out var v)
        ? v
        : throw new KeyNotFoundException($"Prompt pack '{Task}' has no string '{key}'.");

    /// <summary>Every placeholder name the pack's templates use.</summary>
    public IReadOnlySet<string> Placeholders() =>
        new[] { System, User, Assistant, AssistantPrefix }.Where(t => t is not null)
            .SelectMany(t => Placeholder().Matches(t!).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);

    /// <summary>Fills <paramref name="template"/> with the sample's fields and reference.</summary>
    public static string Fill(string template, Sample sample, IReadOnlyDictionary<string, string>? extra = null) =>
        Placeholder().Replace(template, m =>
        {
            var key = m.Groups[1].Value;
            if (extra is not null && extra.TryGetValue(key, out var e)) return e;
            if (key == "reference") return sample.Reference;
            return sample.Field(key);
        });

    /// <summary>Loads the embedded default pack of a task.</summary>
    public static PromptPack Default(string task)
    {
        var asm = typeof(PromptPack).Assembly;
        using var stream = asm.GetManifestResourceStream($"BioEval.Prompts.{task}.json")
            ?? throw new InvalidOperationException($"No embedded prompt pack for task '{task}'.");
        return Parse(stream, $"embedded pack {task}");
    }

    /// <summary>Loads a pack from a JSON file (a user's own wording).</summary>
    public static PromptPack FromFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Parse(stream, path);
    }

    private static PromptPack Parse(Stream stream, string source)
    {
        try
        {
            var pack = JsonSerializer.Deserialize<PromptPack>(stream)
                ?? throw new InvalidDataException("empty document");
            if (string.IsNullOrWhiteSpace(pack.User) || pack.Assistant is null)
                throw new InvalidDataException("'user' and 'assistant' templates are required");
            return pack;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Prompt pack {Datasets.DatasetJson.Describe(source, e, File.Exists(source) ? File.ReadAllBytes(source) : [])}", e);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"Prompt pack {source} is invalid: {e.Message}", e);
        }
    }

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Placeholder();
}
