using System.Text.Json;
using System.Text.Json.Serialization;
using BioEval.Harness.Runs;
using BioEval.Models;

namespace BioEval.Harness.Registry;

/// <summary>A general-domain base model and the biomedical model adapted from it.</summary>
public sealed record ModelPair(string Base, string Bio)
{
    /// <summary>The pair's name as used in test traits (<c>Pair=base-&gt;bio</c>).</summary>
    public string Name => $"{Base}->{Bio}";
}

/// <summary>
/// The models a profile can run and the pairs it compares, read from a registry JSON file:
/// <c>{"models": [{"name", "kind", "path"?, "options"?}], "pairs": [{"base", "bio"}]}</c>.
/// Relative model paths resolve against the registry file's folder; <c>${VAR}</c> expands from the environment.
/// </summary>
public sealed record ModelRegistry(IReadOnlyList<ModelSpec> Models, IReadOnlyList<ModelPair> Pairs)
{
    /// <summary>The model named <paramref name="name"/>; an unknown name lists the known ones.</summary>
    public ModelSpec Model(string name) =>
        Models.FirstOrDefault(m => m.Name == name)
        ?? throw new KeyNotFoundException($"No model '{name}' in the registry. Known: {string.Join(", ", Models.Select(m => m.Name))}.");

    /// <summary>Models that take part in at least one pair, in registry order.</summary>
    public IEnumerable<ModelSpec> PairedModels =>
        Models.Where(m => Pairs.Any(p => p.Base == m.Name || p.Bio == m.Name));

    public static ModelRegistry Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Model registry '{path}' does not exist.", path);
        RegistryFile file;
        try
        {
            file = JsonSerializer.Deserialize<RegistryFile>(File.ReadAllText(path))
                ?? throw new InvalidDataException("empty document");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Model registry '{path}' is not valid JSON: {e.Message}", e);
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var models = (file.Models ?? []).Select(m => new ModelSpec(
            Require(m.Name, "name", path),
            Require(m.Kind, "kind", path),
            m.Path is null ? null : Path.GetFullPath(PathExpansion.Expand(m.Path, $"Model '{m.Name}' in {path}"), folder),
            m.Options)).ToList();
        var duplicate = models.GroupBy(m => m.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidDataException($"Model registry '{path}' names model '{duplicate.Key}' twice.");
        var pairs = (file.Pairs ?? []).Select(p => new ModelPair(Require(p.Base, "base", path), Require(p.Bio, "bio", path))).ToList();
        foreach (var name in pairs.SelectMany(p => new[] { p.Base, p.Bio }))
            if (models.All(m => m.Name != name))
                throw new InvalidDataException($"Model registry '{path}' pairs unknown model '{name}'.");
        return new ModelRegistry(models, pairs);
    }

    private static string Require(string? value, string field, string path) =>
        string.IsNullOrWhiteSpace(value) ? throw new InvalidDataException($"Model registry '{path}': an entry lacks '{field}'.") : value;

    private sealed record RegistryFile(
        [property: JsonPropertyName("models")] List<ModelEntry>? Models,
        [property: JsonPropertyName("pairs")] List<PairEntry>? Pairs);

    private sealed record ModelEntry(
        [property: JsonPropertyName("name")] string? Name,
        [property: JsonPropertyName("kind")] string? Kind,
        [property: JsonPropertyName("path")] string? Path,
        [property: JsonPropertyName("options")] Dictionary<string, string>? Options);

    private sealed record PairEntry(
        [property: JsonPropertyName("base")] string? Base,
        [property: JsonPropertyName("bio")] string? Bio);
}
