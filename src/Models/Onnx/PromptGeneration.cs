using System.Diagnostics;
using BioEval.Models.Templates;
using BioEval.Models.Tokenization;

namespace BioEval.Models.Onnx;

/// <summary>What <see cref="PromptGeneration.Run"/> produced, with the figures <c>bioeval generate</c> reports.</summary>
/// <param name="Text">The generated text, special tokens skipped.</param>
/// <param name="PromptText">The exact text the model saw (after the chat template unless raw).</param>
/// <param name="PromptTokens">Token count of <paramref name="PromptText"/>.</param>
/// <param name="TokenIds">Generated token ids (without the stop token).</param>
/// <param name="FinishReason">Why decoding ended.</param>
/// <param name="Elapsed">Decoding time (prefill and generation, not loading).</param>
/// <param name="ExecutionProvider">"CUDA" or "CPU".</param>
public sealed record PromptGenerationResult(
    string Text,
    string PromptText,
    int PromptTokens,
    IReadOnlyList<int> TokenIds,
    FinishReason FinishReason,
    TimeSpan Elapsed,
    string ExecutionProvider)
{
    /// <summary>Generated tokens per second of decoding time.</summary>
    public double TokensPerSecond => Elapsed > TimeSpan.Zero ? TokenIds.Count / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// One prompt through one model folder, the way a chat user would send it: the prompt becomes a single user turn
/// rendered with the model's own chat template (generation prompt added) and is greedy-decoded until an
/// end-of-sequence token or the budget. Behind <c>bioeval generate</c>; a quick check that a folder really runs.
/// </summary>
public static class PromptGeneration
{
    /// <summary>
    /// Generates from <paramref name="modelDir"/>. <paramref name="raw"/> feeds the prompt as it is (the
    /// tokenizer's BOS added) instead of through the chat template.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">the folder does not exist</exception>
    /// <exception cref="FileNotFoundException">a required file (tokenizer.json, the ONNX model) is missing</exception>
    /// <exception cref="InvalidDataException">a file is malformed or the folder has no chat template</exception>
    public static PromptGenerationResult Run(string modelDir, string prompt, int maxNewTokens, bool raw = false, OnnxSessionOptions? sessionOptions = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNewTokens, 1);
        ModelFolder.Require(modelDir);
        var tokenizer = HfTokenizer.FromDirectory(modelDir);
        string text;
        if (raw)
        {
            text = prompt;
        }
        else
        {
            var configPath = Path.Combine(modelDir, "tokenizer_config.json");
            if (!File.Exists(configPath))
                throw new FileNotFoundException($"'{configPath}' does not exist, so the chat template is unknown (use --raw to skip the template).", configPath);
            text = ChatTemplate.FromTokenizerConfig(configPath).RenderChat([("user", prompt)], addGenerationPrompt: true);
        }
        // The chat template writes the special tokens itself, as apply_chat_template does; a raw prompt gets the
        // tokenizer's own (BOS), as a plain tokenizer call would.
        var ids = tokenizer.Encode(text, addSpecialTokens: raw);
        if (ids.Count == 0) throw new ArgumentException("The prompt encodes to no tokens.", nameof(prompt));

        using var session = OnnxDecoderSession.Open(modelDir, sessionOptions);
        var options = new GenerationOptions { MaxNewTokens = maxNewTokens, StopTokenIds = [.. session.EosTokenIds, .. tokenizer.EosTokenIds] };
        var clock = Stopwatch.StartNew();
        var result = new Generator(session).Generate([ids], options)[0];
        clock.Stop();
        return new PromptGenerationResult(tokenizer.Decode(result.TokenIds, skipSpecialTokens: true), text, ids.Count,
            result.TokenIds, result.FinishReason, clock.Elapsed, session.ExecutionProvider);
    }
}
