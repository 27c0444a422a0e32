namespace BioEval.Models;

/// <summary>
/// How to load one model: a registry entry. <see cref="Kind"/> picks the backend
/// (oracle, constant, majority, lead, onnx, tiny); <see cref="Path"/> is a model folder for onnx.
/// </summary>
public sealed record ModelSpec(string Name, string Kind, string? Path = null, IReadOnlyDictionary<string, string>? Options = null)
{
    public string? Option(string key) => Options is not null && Options.TryGetValue(key, out var v) ? v : null;
}
