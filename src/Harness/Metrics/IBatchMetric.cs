namespace BioEval.Harness.Metrics;

/// <summary>
/// A metric computed over all samples of a task at once: model-based metrics (BERTScore's encoder, UMLS concept
/// matching's lexicon) batch their work and use resources that the run creates once, passes in and disposes, never
/// one per sample. The algorithm itself stays a pure static class (<see cref="BertScore"/>). Each output is the mean of
/// its per-sample values, like the reference's.
/// </summary>
public interface IBatchMetric
{
    /// <summary>The values this metric reports per sample and, as means, for the task.</summary>
    IReadOnlyList<MetricInfo> Outputs { get; }

    /// <summary>What the values were computed with, recorded in results.json beside them.</summary>
    MetricModel Model { get; }

    /// <summary>The values of every input, in order.</summary>
    Task<IReadOnlyList<IReadOnlyDictionary<string, double>>> ScoreAsync(IReadOnlyList<ScoringInput> inputs, CancellationToken cancellationToken = default);
}

/// <summary>
/// The model or lexicon behind a metric's values, so that nobody mistakes one encoder's BERTScore for another's.
/// </summary>
/// <param name="Metric">The metric ("bertscore", "umls").</param>
/// <param name="Name">The model's or lexicon's name (e.g. all-MiniLM-L6-v2).</param>
/// <param name="Detail">How it was used (the layer, the sources), in words.</param>
/// <param name="Files">SHA-256 of each file it was read from, by file name.</param>
public sealed record MetricModel(string Metric, string Name, string Detail, IReadOnlyDictionary<string, string> Files);
