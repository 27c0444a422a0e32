namespace BioEval.Models;

/// <summary>
/// A backend refused one prompt because it does not fit the model's context (as vLLM rejects such a request).
/// The harness scores that prompt as an empty answer and counts it, rather than ending the run: one oversized
/// sample must not cost the results of all others.
/// </summary>
public sealed class PromptTooLongException : InvalidOperationException
{
    public PromptTooLongException(string model, int promptTokens, int contextLength)
        : base($"Model '{model}': the prompt has {promptTokens} tokens, which leaves no room in the model's context of {contextLength} tokens.")
    {
        Model = model;
        PromptTokens = promptTokens;
        ContextLength = contextLength;
    }

    /// <summary>A refusal a server reported in its own words (the counts are then unknown, 0).</summary>
    public PromptTooLongException(string model, string serverMessage)
        : base($"Model '{model}': the server refused the prompt for its length: {serverMessage}")
    {
        Model = model;
    }

    public string Model { get; }
    public int PromptTokens { get; }
    public int ContextLength { get; }
}
