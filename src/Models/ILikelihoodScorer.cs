using BioEval.Models.Onnx;
using Microsoft.Extensions.AI;

namespace BioEval.Models;

/// <summary>
/// An optional capability of a backend (<c>GetService&lt;ILikelihoodScorer&gt;()</c>): the summed log-probability of
/// each candidate continuation after a context, without generation, tokenised as lm-evaluation-harness does
/// (<see cref="ContinuationScoring"/>). The in-process engine has it; the <c>openai</c> kind has it when the server
/// returns prompt log-probabilities (vLLM, <c>bioeval serve</c>) and the entry names the model's tokenizer; the
/// baselines answer it as the deterministic answerers they are. A backend without it is refused for likelihood
/// scoring, never scored at chance.
/// </summary>
public interface ILikelihoodScorer
{
    /// <summary>The continuations after a raw context (no chat template).</summary>
    Task<IReadOnlyList<ContinuationScore>> ScoreAsync(string context, IReadOnlyList<string> continuations, CancellationToken cancellationToken = default);

    /// <summary>
    /// The continuations as the assistant's reply to a chat: the context is the chat rendered with the model's own
    /// template and its generation prompt, exactly what generation would have been sent.
    /// </summary>
    Task<IReadOnlyList<ContinuationScore>> ScoreChatAsync(IReadOnlyList<ChatMessage> messages, IReadOnlyList<string> continuations, CancellationToken cancellationToken = default);
}
