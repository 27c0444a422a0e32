using BioEval.Models.Onnx;

namespace BioEval.Models;

/// <summary>
/// An optional capability of a backend (<c>GetService&lt;ILikelihoodScorer&gt;()</c>): the summed log-probability of
/// each candidate continuation after a context, without generation, tokenised as lm-evaluation-harness does
/// (<see cref="ContinuationScoring"/>). The in-process engine has it; the <c>openai</c> kind has it when the server
/// returns prompt log-probabilities (vLLM, <c>bioeval serve</c>) and the entry names the model's tokenizer. A
/// backend without it is refused for likelihood scoring, never scored at chance.
/// </summary>
public interface ILikelihoodScorer
{
    Task<IReadOnlyList<ContinuationScore>> ScoreAsync(string context, IReadOnlyList<string> continuations, CancellationToken cancellationToken = default);
}
