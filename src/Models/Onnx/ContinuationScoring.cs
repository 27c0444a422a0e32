using BioEval.Models.Tokenization;

namespace BioEval.Models.Onnx;

/// <summary>The summed log-probability of one continuation after its context, and how many tokens it has.</summary>
public sealed record ContinuationScore(double LogProb, int Tokens)
{
    /// <summary>Per token: the summed log-probability over the token count (0 for an empty continuation).</summary>
    public double PerToken => Tokens == 0 ? 0 : LogProb / Tokens;

    /// <summary>
    /// Per byte, as lm-evaluation-harness's <c>acc_norm</c>: the summed log-probability over the continuation's UTF-8
    /// length as given (before the context's trailing whitespace moves onto it); 0 for an empty one.
    /// </summary>
    public double PerByte(string continuation)
    {
        var bytes = System.Text.Encoding.UTF8.GetByteCount(continuation);
        return bytes == 0 ? 0 : LogProb / bytes;
    }
}

/// <summary>
/// Likelihood scoring of candidate continuations after a shared context, without generation. The context runs
/// forward once; its cache is copied to one row per continuation (on the CPU provider; elsewhere the context is run
/// again per continuation; a single continuation continues in the prefix's own row) and all continuations run in one
/// batched, right-padded forward pass. Continuation token j
/// is scored from the logits at the position before it: the context's last for j = 0.
/// </summary>
/// <remarks>
/// Tokenisation follows lm-evaluation-harness: trailing whitespace of the context moves to the start of the
/// continuation; whole = encode(context + continuation), context = encode(context), continuation tokens =
/// whole[len(context):], no special tokens added. An empty context is the tokenizer's BOS token (else its first EOS),
/// as the harness's prefix token.
/// </remarks>
public static class ContinuationScoring
{
    /// <summary>The context's and each continuation's token ids, split as lm-evaluation-harness splits them.</summary>
    public static (IReadOnlyList<int> Context, IReadOnlyList<IReadOnlyList<int>> Continuations) Encode(HfTokenizer tokenizer, string context, IReadOnlyList<string> continuations)
    {
        var kept = context.TrimEnd();
        var moved = context[kept.Length..];
        var contextIds = tokenizer.Encode(kept, addSpecialTokens: false);
        var split = new List<IReadOnlyList<int>>();
        foreach (var continuation in continuations)
        {
            var whole = tokenizer.Encode(kept + moved + continuation, addSpecialTokens: false);
            split.Add([.. whole.Skip(contextIds.Count)]);
        }
        if (contextIds.Count == 0)
        {
            var prefix = tokenizer.BosTokenId ?? tokenizer.EosTokenIds.FirstOrDefault(-1);
            if (prefix < 0) throw new ArgumentException("The context is empty and the tokenizer has no BOS or EOS token to condition on.");
            contextIds = [prefix];
        }
        return (contextIds, split);
    }

    /// <summary>
    /// Scores <paramref name="continuations"/> after <paramref name="context"/> (token ids; the caller serialises calls per
    /// session). <paramref name="model"/> names the model when the context and the longest continuation exceed its
    /// context length (by default the model folder's name).
    /// </summary>
    public static IReadOnlyList<ContinuationScore> Score(OnnxDecoderSession session, IReadOnlyList<int> context, IReadOnlyList<IReadOnlyList<int>> continuations,
        string? model = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(context.Count);
        var longest = continuations.Count == 0 ? 0 : continuations.Max(c => c.Count);
        if (context.Count + longest > session.ContextLength)
            throw new PromptTooLongException(model ?? Path.GetFileName(session.ModelDirectory), context.Count + longest, session.ContextLength);
        if (continuations.Count == 0) return [];
        var vocab = session.VocabSize;
        // Copying cache rows needs the cache in host memory; elsewhere each continuation gets its own context pass, on
        // which it runs in the prefix's own row.
        if (!session.CanSelectRows && continuations.Count > 1)
            return [.. continuations.Select(c => Score(session, context, [c], model)[0])];

        using var prefix = session.CreateState(1);
        var first = new double[vocab];
        var logits = new float[vocab];
        for (var start = 0; start < context.Count; start += PromptScoring.Chunk)
        {
            var length = Math.Min(PromptScoring.Chunk, context.Count - start);
            session.Forward(prefix, [.. context.Skip(start).Take(length).Select(t => (long)t)], Ones(start + length),
                [.. Enumerable.Range(start, length).Select(p => (long)p)], length, lastLogitsOnly: true);
        }
        session.CopyLastLogits(prefix, logits);
        PromptScoring.LogSoftmax(logits, first);

        var sums = continuations.Select(c => c.Count == 0 ? 0.0 : first[c[0]]).ToArray();
        var steps = longest - 1;
        if (steps > 0)
        {
            var n = continuations.Count;
            using var copied = n == 1 ? null : session.SelectRows(prefix, [.. Enumerable.Repeat(0, n)]);
            var rows = copied ?? prefix;
            var ids = new long[n * steps];
            var mask = new long[n * (context.Count + steps)];
            var positions = new long[n * steps];
            for (var r = 0; r < n; r++)
            {
                for (var p = 0; p < context.Count; p++) mask[r * (context.Count + steps) + p] = 1;
                for (var j = 0; j < steps; j++)
                {
                    // Input j is continuation token j (predicting token j + 1); padding past a short continuation is masked.
                    var real = j < continuations[r].Count - 1;
                    ids[r * steps + j] = real ? continuations[r][j] : session.PadTokenId;
                    mask[r * (context.Count + steps) + context.Count + j] = real ? 1 : 0;
                    positions[r * steps + j] = context.Count + j;
                }
            }
            session.Forward(rows, ids, mask, positions, steps);
            var all = session.CopyAllLogits(rows);
            var row = new double[vocab];
            for (var r = 0; r < n; r++)
                for (var j = 0; j < continuations[r].Count - 1; j++)
                {
                    PromptScoring.LogSoftmax(all.AsSpan((r * steps + j) * vocab, vocab), row);
                    sums[r] += row[continuations[r][j + 1]];
                }
        }
        return [.. continuations.Select((c, i) => new ContinuationScore(sums[i], c.Count))];
    }

    private static long[] Ones(int count)
    {
        var ones = new long[count];
        Array.Fill(ones, 1L);
        return ones;
    }
}
