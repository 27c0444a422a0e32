namespace BioEval.Harness.Datasets;

/// <summary>
/// One dataset item. <see cref="Id"/> is stable across runs (it keys resume and paired statistics),
/// so loaders derive it from the file (row number, record id), never from the shuffled position.
/// </summary>
/// <param name="Id">Stable identifier within the dataset file.</param>
/// <param name="Fields">Named text fields the prompt pack can reference as <c>{name}</c>.</param>
/// <param name="Reference">The reference answer as text (the few-shot assistant turn uses it).</param>
/// <param name="ReferenceItems">The reference as a list where the metric needs one (ICD codes, mentions).</param>
/// <param name="Documents">Source documents for tasks that pack several texts into one prompt (LongHealth).</param>
public sealed record Sample(
    string Id,
    IReadOnlyDictionary<string, string> Fields,
    string Reference,
    IReadOnlyList<string>? ReferenceItems = null,
    IReadOnlyList<SampleDocument>? Documents = null)
{
    /// <summary>A field's value; a missing field is a loader bug, so it throws naming the field.</summary>
    public string Field(string name) => Fields.TryGetValue(name, out var v)
        ? v
        : throw new KeyNotFoundException($"Sample '{Id}' has no field '{name}'.");
}

/// <summary>A document attached to a sample; <see cref="HoldsAnswer"/> marks the answer's sources.</summary>
public sealed record SampleDocument(string Id, string Text, bool HoldsAnswer);
