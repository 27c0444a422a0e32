namespace BioEval.Models.Onnx;

/// <summary>
/// Groups requests into batches of similar prompt length, so left padding (wasted compute) stays small.
/// </summary>
public static class BatchScheduler
{
    /// <summary>
    /// Indices into <paramref name="promptLengths"/>, grouped: sorted by length (ties by index), at most
    /// <paramref name="maxBatchSize"/> per batch and, when given, at most <paramref name="maxBatchTokens"/>
    /// padded prompt tokens (batch size x longest prompt) per batch. A prompt is never split.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<int>> Plan(IReadOnlyList<int> promptLengths, int maxBatchSize, long maxBatchTokens = long.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        var order = Enumerable.Range(0, promptLengths.Count).OrderBy(i => promptLengths[i]).ThenBy(i => i).ToList();
        var batches = new List<IReadOnlyList<int>>();
        var current = new List<int>();
        foreach (var i in order)
        {
            // Sorted ascending, so the newcomer is the longest: the padded size would be (count + 1) x its length.
            var wouldBe = (long)(current.Count + 1) * promptLengths[i];
            if (current.Count > 0 && (current.Count == maxBatchSize || wouldBe > maxBatchTokens))
            {
                batches.Add(current);
                current = [];
            }
            current.Add(i);
        }
        if (current.Count > 0) batches.Add(current);
        return batches;
    }
}
