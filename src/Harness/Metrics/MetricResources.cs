using BioEval.Models.Encoders;

namespace BioEval.Harness.Metrics;

/// <summary>
/// The resources of a run's model-based metrics: BERTScore's encoder, opened on first use (so a run without the
/// summarisation tasks never loads it), shared by every task and model of the run, and disposed with it.
/// </summary>
public sealed class MetricResources : IDisposable
{
    /// <param name="bertScoreModel">Gives the encoder folder when BERTScore first needs it (the embedded encoder is extracted
    /// then); null turns BERTScore off.</param>
    /// <param name="layer">The layer to read, for exports with per-layer hidden states; null: the model's last.</param>
    public MetricResources(Func<string>? bertScoreModel, int? layer = null)
    {
        if (bertScoreModel is not null)
            BertScoreEncoder = new Lazy<BertEncoder>(() => BertEncoder.Open(bertScoreModel(), new BertEncoderOptions { Layer = layer }));
    }

    /// <summary>No model-based metric (the tasks report their string metrics only).</summary>
    public static MetricResources None { get; } = new(null);

    /// <summary>BERTScore's encoder, or null when BERTScore is off.</summary>
    public Lazy<BertEncoder>? BertScoreEncoder { get; }

    /// <summary>The BERTScore metric over this run's encoder, or none.</summary>
    public IReadOnlyList<IBatchMetric> BertScoreMetrics => BertScoreEncoder is { } e ? [new BertScoreMetric(e)] : [];

    public void Dispose()
    {
        if (BertScoreEncoder is { IsValueCreated: true } e) e.Value.Dispose();
    }
}
