namespace BioEval.Models;

/// <summary>
/// A backend refused one prompt because it does not fit the model's context (as vLLM rejects such a request).
/// The harness scores that prompt as an empty answer and counts it, rather than ending the run: one oversized
/// sample must not cost the results of all others.
/// </summary>
public sealed class PromptTooLongException(string model, int promptTokens, int contextLength)
    : InvalidOperationException($"Model '{model}': the prompt has {promptTokens} tokens, which leaves no room in the model's context of {contextLength} tokens.")
{
    public string Model { get; } = model;
    public int PromptTokens { get; } = promptTokens;
    public int ContextLength { get; } = contextLength;
}
