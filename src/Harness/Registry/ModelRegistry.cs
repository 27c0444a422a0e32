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
/// Relative model paths, and the file-valued options (<c>chat_template</c>, <c>tokenizer</c>), resolve against the
/// registry file's folder; <c>${VAR}</c> expands from the environment. Loading checks the whole file and reports every
/// problem at once, each naming the file, the entry's line and the model: unknown fields, kinds and options (with the
/// nearest known name), malformed option values, duplicate names, pairs of unknown models.
/// </summary>
public sealed record ModelRegistry(IReadOnlyList<ModelSpec> Models, IReadOnlyList<ModelPair> Pairs)
{
    /// <summary>Options that name a file, resolved against the registry's folder like <c>path</c>.</summary>
    public static readonly IReadOnlySet<string> FileOptions = new HashSet<string>(StringComparer.Ordinal) { "chat_template", "tokenizer" };

    /// <summary>Where each model is declared ("FILE:LINE model 'name'"), for messages.</summary>
    public IReadOnlyDictionary<string, string> Locations { get; init; } = new Dictionary<string, string>();

    /// <summary>Where <paramref name="name"/> is declared, for messages.</summary>
    public string Where(string name) => Locations.TryGetValue(name, out var at) ? at : $"model '{name}'";

    /// <summary>The model named <paramref name="name"/>; an unknown name lists the known ones.</summary>
    public ModelSpec Model(string name) =>
        Models.FirstOrDefault(m => m.Name == name)
        ?? throw new KeyNotFoundException($"No model '{name}' in the registry. Known: {string.Join(", ", Models.Select(m => m.Name))}.");

    /// <summary>Models that take part in at least one pair, in registry order.</summary>
    public IEnumerable<ModelSpec> PairedModels =>
        Models.Where(m => Pairs.Any(p => p.Base == m.Name || p.Bio == m.Name));

    /// <exception cref="FileNotFoundException">no such file</exception>
    /// <exception cref="InvalidDataException">not valid JSON, or any problem in it (all of them listed)</exception>
    public static ModelRegistry Load(string path)
    {
        if (Directory.Exists(path)) throw new FileNotFoundException($"Model registry {path} is a folder; give the registry JSON file.", path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Model registry '{path}' does not exist.", path);
        var bytes = File.ReadAllBytes(path);
        if (bytes.AsSpan().StartsWith("\uFEFF"u8)) bytes = bytes[3..];
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(Datasets.DatasetJson.Describe(path, e, bytes), e);
        }
        var problems = new List<string>();
        var lines = EntryLines(bytes);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var models = new List<ModelSpec>();
        var locations = new Dictionary<string, string>();
        var pairs = new List<ModelPair>();
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{path}: expected a JSON object with \"models\" and \"pairs\".");
            Unknown(root, ["models", "pairs"], path, problems);
            var index = 0;
            foreach (var entry in Array(root, "models", path, problems))
            {
                var at = $"{path}:{Line(lines, "models", index++)}";
                if (entry.ValueKind != JsonValueKind.Object) { problems.Add($"{at}: a model entry must be an object."); continue; }
                Unknown(entry, ["name", "kind", "path", "options"], at, problems);
                var name = Text(entry, "name", at, problems);
                var where = name is null ? at : $"{at} model '{name}'";
                var kind = Text(entry, "kind", where, problems);
                var modelPath = Text(entry, "path", where, problems, required: false);
                var options = new Dictionary<string, string>(StringComparer.Ordinal);
                if (entry.TryGetProperty("options", out var o))
                {
                    if (o.ValueKind != JsonValueKind.Object) problems.Add($"{where}: \"options\" must be an object of strings.");
                    else
                        foreach (var p in o.EnumerateObject())
                            if (p.Value.ValueKind == JsonValueKind.String) options[p.Name] = p.Value.GetString()!;
                            else problems.Add($"{where}: option \"{p.Name}\" must be a string (write \"{p.Value.GetRawText().Trim('"')}\").");
                }
                if (name is null || kind is null) continue;
                try
                {
                    if (modelPath is not null) modelPath = Path.GetFullPath(PathExpansion.Expand(modelPath, where), folder);
                    foreach (var key in options.Keys.Where(FileOptions.Contains).ToList())
                        options[key] = Path.GetFullPath(PathExpansion.Expand(options[key], $"{where}: option \"{key}\""), folder);
                }
                catch (InvalidDataException e)
                {
                    problems.Add(e.Message);
                    continue;
                }
                if (locations.ContainsKey(name)) { problems.Add($"{where}: model '{name}' is named twice (first at {locations[name]})."); continue; }
                var spec = new ModelSpec(name, kind, modelPath, options.Count == 0 ? null : options);
                problems.AddRange(ModelFactory.Problems(spec, where, files: false));
                models.Add(spec);
                locations[name] = where;
            }
            index = 0;
            foreach (var entry in Array(root, "pairs", path, problems))
            {
                var at = $"{path}:{Line(lines, "pairs", index++)}";
                if (entry.ValueKind != JsonValueKind.Object) { problems.Add($"{at}: a pair must be an object with \"base\" and \"bio\"."); continue; }
                Unknown(entry, ["base", "bio"], at, problems);
                var b = Text(entry, "base", at, problems);
                var bio = Text(entry, "bio", at, problems);
                foreach (var member in new[] { b, bio })
                    if (member is not null && !locations.ContainsKey(member))
                        problems.Add($"{at}: the pair names unknown model '{member}'{NearestName.Hint(member, locations.Keys)}.");
                if (b is not null && bio is not null) pairs.Add(new ModelPair(b, bio));
            }
        }
        if (problems.Count > 0)
            throw new InvalidDataException(problems.Count == 1 ? problems[0] : $"Model registry {path}: {problems.Count} problems:\n" + string.Join("\n", problems.Select(p => "  - " + p)));
        return new ModelRegistry(models, pairs) { Locations = locations };
    }

    private static IEnumerable<JsonElement> Array(JsonElement root, string name, string path, List<string> problems)
    {
        if (!root.TryGetProperty(name, out var array)) return [];
        if (array.ValueKind == JsonValueKind.Array) return array.EnumerateArray().ToList();
        problems.Add($"{path}: \"{name}\" must be an array.");
        return [];
    }

    private static string? Text(JsonElement entry, string field, string where, List<string> problems, bool required = true)
    {
        if (!entry.TryGetProperty(field, out var v)) { if (required) problems.Add($"{where}: the entry lacks \"{field}\"."); return null; }
        if (v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString())) return v.GetString();
        problems.Add($"{where}: \"{field}\" must be a non-empty string.");
        return null;
    }

    private static void Unknown(JsonElement entry, string[] known, string where, List<string> problems)
    {
        foreach (var p in entry.EnumerateObject())
            if (!known.Contains(p.Name))
                problems.Add($"{where}: unknown field \"{p.Name}\"{NearestName.Hint(p.Name, known)}. Known fields: {string.Join(", ", known)}.");
    }

    /// <summary>The 1-based line where each entry of the top-level "models" and "pairs" arrays starts.</summary>
    private static Dictionary<string, List<int>> EntryLines(byte[] json)
    {
        var result = new Dictionary<string, List<int>> { ["models"] = [], ["pairs"] = [] };
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        string? array = null;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1) array = reader.GetString();
            else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.String or JsonTokenType.Number && reader.CurrentDepth == 2
                     && array is not null && result.TryGetValue(array, out var list))
            {
                list.Add(1 + json.AsSpan(0, (int)reader.TokenStartIndex).Count((byte)'\n'));
                if (reader.TokenType == JsonTokenType.StartObject) reader.Skip();
            }
        }
        return result;
    }

    private static int Line(Dictionary<string, List<int>> lines, string array, int index) =>
        index < lines[array].Count ? lines[array][index] : 1;
}
