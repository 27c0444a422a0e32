namespace BioEval.Models.Onnx;

/// <summary>
/// Batched autoregressive decoding over an <see cref="OnnxDecoderSession"/>. Prompts are left-padded, each row's
/// positions start at 0 on its first real token, and rows stop independently. On the CPU a finished row leaves the
/// batch (its cache rows are dropped); where the cache cannot be reshaped (CUDA) it is fed the pad token, and its
/// logits are never read, until the whole batch is done.
/// </summary>
public sealed class Generator(OnnxDecoderSession session)
{
    /// <summary>Generates a continuation for every prompt (token ids in, token ids out).</summary>
    public IReadOnlyList<GenerationResult> Generate(IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions? options = null)
    {
        options ??= new GenerationOptions();
        ArgumentNullException.ThrowIfNull(prompts);
        if (prompts.Count == 0) return [];
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxNewTokens);
        if (options.Temperature < 0 || float.IsNaN(options.Temperature)) throw new ArgumentOutOfRangeException(nameof(options), options.Temperature, "Temperature must be 0 (greedy) or positive.");
        if (!(options.TopP > 0 && options.TopP <= 1)) throw new ArgumentOutOfRangeException(nameof(options), options.TopP, "TopP must be in (0, 1].");
        var vocab = session.VocabSize;
        var b = prompts.Count;
        var longest = 0;
        for (var r = 0; r < b; r++)
        {
            if (prompts[r] is null || prompts[r].Count == 0) throw new ArgumentException($"Prompt {r} is empty.", nameof(prompts));
            foreach (var id in prompts[r])
                if (id < 0 || id >= vocab) throw new ArgumentException($"Prompt {r} holds token id {id}, outside the vocabulary of {vocab}.", nameof(prompts));
            longest = Math.Max(longest, prompts[r].Count);
        }
        if (longest >= session.ContextLength)
            throw new ArgumentException($"A prompt of {longest} tokens leaves no room in the model's context of {session.ContextLength} tokens.", nameof(prompts));

        var stops = new HashSet<int>(options.StopTokenIds ?? session.EosTokenIds);
        var budget = (int)Math.Min(options.MaxNewTokens, (long)session.ContextLength - longest);
        var outputs = new List<int>[b];
        var reasons = new FinishReason?[b];
        for (var r = 0; r < b; r++) outputs[r] = [];
        if (budget == 0) return [.. outputs.Select(o => new GenerationResult(o, FinishReason.Length))];

        var samplers = new TokenSampler(vocab);
        var rngs = new SplitMix64[b];
        for (var r = 0; r < b; r++) rngs[r] = new SplitMix64(options.Seed);

        // Prefill: [b, longest] left-padded.
        var ids = new long[b * longest];
        var positions = new long[b * longest];
        var mask = new long[b * (longest + budget)];
        for (var r = 0; r < b; r++)
        {
            var pad = longest - prompts[r].Count;
            for (var t = 0; t < longest; t++)
            {
                var real = t >= pad;
                ids[r * longest + t] = real ? prompts[r][t - pad] : session.PadTokenId;
                positions[r * longest + t] = real ? t - pad : 0;
            }
        }
        var stepIds = new long[b];
        var stepPositions = new long[b];
        // Greedy decoding over float32 logits takes each row's argmax where ONNX Runtime left it; sampling and
        // float16 logits work on a float32 copy.
        var inPlace = options.Temperature == 0 && session.LogitsElementType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float;
        var logits = inPlace ? [] : new float[b * vocab];

        // slots[s] is the prompt decoded in batch row s. When rows finish and the cache lives in host memory, the
        // batch shrinks to the rows still running, so finished rows cost nothing in later steps.
        var slots = Enumerable.Range(0, b).ToArray();
        var state = session.CreateState(b);
        try
        {
            session.Forward(state, ids, FillMask(mask, prompts, slots, longest, longest), positions, longest, lastLogitsOnly: true);
            for (var step = 0; ; step++)
            {
                if (!inPlace) session.CopyLastLogits(state, logits);
                var active = 0;
                for (var s = 0; s < slots.Length; s++)
                {
                    var r = slots[s];
                    if (reasons[r] is not null) continue;
                    var token = inPlace
                        ? TokenSampler.ArgMax(session.LastLogitsInPlace(state, s))
                        : samplers.Next(logits.AsSpan(s * vocab, vocab), options.Temperature, options.TopP, rngs[r]);
                    if (stops.Contains(token)) { reasons[r] = FinishReason.Stop; continue; }
                    outputs[r].Add(token);
                    if (outputs[r].Count >= budget) { reasons[r] = FinishReason.Length; continue; }
                    active++;
                }
                if (active == 0) break;

                if (active < slots.Length && session.CanSelectRows)
                {
                    var keep = new List<int>(active);
                    for (var s = 0; s < slots.Length; s++)
                        if (reasons[slots[s]] is null) keep.Add(s);
                    var smaller = session.SelectRows(state, keep);
                    state.Dispose();
                    state = smaller;
                    slots = [.. keep.Select(s => slots[s])];
                }

                var width = slots.Length;
                for (var s = 0; s < width; s++)
                {
                    var r = slots[s];
                    stepIds[s] = reasons[r] is null ? outputs[r][^1] : session.PadTokenId;
                    stepPositions[s] = prompts[r].Count + step;
                }
                var total = longest + step + 1;
                session.Forward(state, stepIds.AsSpan(0, width), FillMask(mask, prompts, slots, longest, total), stepPositions.AsSpan(0, width), 1);
            }
        }
        finally
        {
            state.Dispose();
        }
        return [.. Enumerable.Range(0, b).Select(r => new GenerationResult(outputs[r], reasons[r] ?? FinishReason.Length))];
    }

    // [rows, total] mask in the front of the reused buffer: 0 on each row's left padding, 1 elsewhere.
    private static ReadOnlySpan<long> FillMask(long[] buffer, IReadOnlyList<IReadOnlyList<int>> prompts, int[] slots, int longest, int total)
    {
        for (var s = 0; s < slots.Length; s++)
        {
            var pad = longest - prompts[slots[s]].Count;
            var row = buffer.AsSpan(s * total, total);
            row[..pad].Clear();
            row[pad..].Fill(1);
        }
        return buffer.AsSpan(0, slots.Length * total);
    }
}
