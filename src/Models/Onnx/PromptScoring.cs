namespace BioEval.Models.Onnx;

/// <summary>
/// Log-probabilities of a token sequence under the model, position by position: what likelihood scoring and an
/// OpenAI-style <c>echo</c> + <c>logprobs</c> completion need. No generation: the sequence is run forward in chunks
/// over the KV cache (so logits are held for one chunk at a time, never [length × vocabulary] for a long prompt), and
/// each position's logits give the next token's log-softmax.
/// </summary>
/// <param name="TokenLogProbs">log P(token i | tokens before it); NaN for the first token, which has no context.</param>
/// <param name="TopLogProbs">Per position, the most likely tokens after the prefix with their log-probabilities (empty when none were asked for); position i holds the alternatives for token i.</param>
/// <param name="NextToken">The most likely token after the whole sequence (greedy), with its log-probability.</param>
public sealed record PromptScores(IReadOnlyList<double> TokenLogProbs, IReadOnlyList<IReadOnlyList<(int Token, double LogProb)>> TopLogProbs, (int Token, double LogProb) NextToken);

public static class PromptScoring
{
    /// <summary>Positions run forward at once.</summary>
    public const int Chunk = 256;

    /// <summary>Scores <paramref name="ids"/> on <paramref name="session"/> (batch 1; the caller serialises calls per session).</summary>
    /// <param name="session">The model's session; its slicing of logits is not used (every position's are needed).</param>
    /// <param name="ids">The tokens, at least one.</param>
    /// <param name="top">How many alternatives to list per position (0 for none).</param>
    public static PromptScores Score(OnnxDecoderSession session, IReadOnlyList<int> ids, int top = 0)
    {
        ArgumentOutOfRangeException.ThrowIfZero(ids.Count);
        var vocab = session.VocabSize;
        var logProbs = new double[ids.Count];
        logProbs[0] = double.NaN;
        var tops = new List<IReadOnlyList<(int, double)>> { Array.Empty<(int, double)>() };
        var next = (Token: 0, LogProb: 0.0);
        using var state = session.CreateState(1);
        for (var start = 0; start < ids.Count; start += Chunk)
        {
            var length = Math.Min(Chunk, ids.Count - start);
            var input = new long[length];
            var positions = new long[length];
            for (var j = 0; j < length; j++)
            {
                input[j] = ids[start + j];
                positions[j] = start + j;
            }
            var mask = new long[start + length];
            Array.Fill(mask, 1L);
            session.Forward(state, input, mask, positions, length);
            var logits = session.CopyAllLogits(state);
            var row = new double[vocab];
            for (var j = 0; j < length; j++)
            {
                // Position start + j predicts token start + j + 1.
                LogSoftmax(logits.AsSpan(j * vocab, vocab), row);
                var target = start + j + 1;
                if (target < ids.Count)
                {
                    logProbs[target] = row[ids[target]];
                    if (top > 0) tops.Add(Top(row, top));
                }
                else
                {
                    var best = 0;
                    for (var t = 1; t < vocab; t++) if (row[t] > row[best]) best = t;
                    next = (best, row[best]);
                }
            }
        }
        return new PromptScores(logProbs, top > 0 ? tops : [], next);
    }

    /// <summary>log-softmax in double precision: x − max − log Σ exp(x − max).</summary>
    public static void LogSoftmax(ReadOnlySpan<float> logits, Span<double> destination)
    {
        double max = double.NegativeInfinity;
        foreach (var x in logits) if (x > max) max = x;
        double sum = 0;
        foreach (var x in logits) sum += Math.Exp(x - max);
        var log = Math.Log(sum);
        for (var i = 0; i < logits.Length; i++) destination[i] = logits[i] - max - log;
    }

    private static (int, double)[] Top(double[] row, int k) =>
        [.. Enumerable.Range(0, row.Length).OrderByDescending(t => row[t]).ThenBy(t => t).Take(k).Select(t => (t, row[t]))];
}
