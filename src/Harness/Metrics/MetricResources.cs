using BioEval.Models.Encoders;

namespace BioEval.Harness.Metrics;

/// <summary>
/// The resources of a run's model-based metrics: BERTScore's encoder and the UMLS lexicon's index, each opened on first
/// use (so a run without the summarisation tasks never loads them), shared by every task and model of the run, and
/// disposed with it.
/// </summary>
public sealed class MetricResources : IDisposable
{
    /// <param name="bertScoreModel">Gives the encoder folder when BERTScore first needs it (the embedded encoder is extracted
    /// then); null turns BERTScore off.</param>
    /// <param name="layer">The layer to read, for exports with per-layer hidden states; null: the model's last.</param>
    /// <param name="umls">The UMLS lexicon (MRCONSO.RRF), its sources and the folder its index is cached in; null: no UMLS F1.</param>
    public MetricResources(Func<string>? bertScoreModel, int? layer = null, (string Lexicon, Umls.UmlsLexiconOptions Options, string CacheDirectory)? umls = null)
    {
        if (bertScoreModel is not null)
        {
            BertScoreEncoder = new Lazy<BertEncoder>(() => BertEncoder.Open(bertScoreModel(), new BertEncoderOptions { Layer = layer }));
            BertScoreMetrics = [new BertScoreMetric(BertScoreEncoder)];
        }
        if (umls is { } u)
            UmlsMetrics = [new Umls.UmlsBatchMetric(u.Lexicon, u.Options,
                new Lazy<Umls.UmlsIndex>(() => Umls.UmlsIndexCache.Open(u.Lexicon, u.Options, u.CacheDirectory).Index))];
    }

    /// <summary>The UMLS concept F1 over this run's lexicon, or none (ProblemSummary and MeDiSumQA, as the reference).</summary>
    public IReadOnlyList<IBatchMetric> UmlsMetrics { get; } = [];

    /// <summary>BERTScore's encoder, or null when BERTScore is off.</summary>
    public Lazy<BertEncoder>? BertScoreEncoder { get; }

    /// <summary>The BERTScore metric over this run's encoder, or none.</summary>
    public IReadOnlyList<IBatchMetric> BertScoreMetrics { get; } = [];

    public void Dispose()
    {
        if (BertScoreEncoder is { IsValueCreated: true } e) e.Value.Dispose();
    }
}
