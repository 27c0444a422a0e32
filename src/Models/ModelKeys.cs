namespace BioEval.Models;

/// <summary>
/// Keys the harness puts into <see cref="Microsoft.Extensions.AI.ChatOptions.AdditionalProperties"/>.
/// Baselines read them; real models ignore them, so the same request works on every backend.
/// </summary>
public static class ModelKeys
{
    /// <summary>The sample's reference answer, read only by the oracle baseline.</summary>
    public const string Reference = "bioeval.reference";

    /// <summary>The task name, so a constant baseline can answer per task.</summary>
    public const string Task = "bioeval.task";
}
