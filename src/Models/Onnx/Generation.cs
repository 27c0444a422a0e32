namespace BioEval.Models.Onnx;

/// <summary>Decoding settings. Temperature 0 (the default) is greedy decoding.</summary>
public sealed record GenerationOptions
{
    public int MaxNewTokens { get; init; } = 256;

    /// <summary>0 = greedy (argmax); otherwise logits are divided by it before sampling.</summary>
    public float Temperature { get; init; }

    /// <summary>Nucleus sampling: keep the most likely tokens whose probabilities sum to at least this (1 = all).</summary>
    public float TopP { get; init; } = 1f;

    /// <summary>
    /// Sampling seed. Every row draws from its own generator seeded with this value, so a prompt's sample does not
    /// depend on which other prompts share its batch.
    /// </summary>
    public ulong Seed { get; init; }

    /// <summary>Tokens that end a row (not included in its output); null uses the model's end-of-sequence ids.</summary>
    public IReadOnlyCollection<int>? StopTokenIds { get; init; }
}

/// <summary>Why a row stopped.</summary>
public enum FinishReason
{
    /// <summary>A stop token was produced.</summary>
    Stop,

    /// <summary>The token budget or the model's context length ran out.</summary>
    Length,
}

/// <summary>One row's output: generated ids without the stop token.</summary>
public sealed record GenerationResult(IReadOnlyList<int> TokenIds, FinishReason FinishReason);
