using System.Security.Cryptography;

namespace BioEval.Harness.Metrics.Umls;

/// <summary>
/// UMLS concept F1 as a run's batched metric: the lexicon's index is opened (from its cache, else built) on first use
/// and shared by every task and model; each sample is scored by <see cref="UmlsConceptMetric"/>. The lexicon's file name,
/// sources and SHA-256 go into results.json beside the values.
/// </summary>
/// <param name="lexicon">The user's MRCONSO.RRF.</param>
/// <param name="options">Which sources are kept.</param>
/// <param name="index">The run's index, opened on first use.</param>
public sealed class UmlsBatchMetric(string lexicon, UmlsLexiconOptions options, Lazy<UmlsIndex> index) : IBatchMetric
{
    private readonly Lazy<MetricModel> _model = new(() =>
    {
        string sha;
        using (var stream = File.OpenRead(lexicon)) sha = Convert.ToHexStringLower(SHA256.HashData(stream));
        var sources = options.Sources.Count == 0 ? "all sources" : $"sources {string.Join(", ", options.Sources)}";
        return new MetricModel(UmlsConceptMetric.MetricName, Path.GetFileName(lexicon),
            $"{sources}; English, unsuppressed rows; {index.Value.ConceptCount} concepts, {index.Value.AliasCount} aliases", new Dictionary<string, string> { [Path.GetFileName(lexicon)] = sha });
    });

    public IReadOnlyList<MetricInfo> Outputs => UmlsConceptMetric.OutputList;

    public MetricModel Model => _model.Value;

    public Task<IReadOnlyList<IReadOnlyDictionary<string, double>>> ScoreAsync(IReadOnlyList<ScoringInput> inputs, CancellationToken cancellationToken = default)
    {
        var metric = new UmlsConceptMetric(index.Value);
        var values = new IReadOnlyDictionary<string, double>[inputs.Count];
        Parallel.For(0, inputs.Count, new ParallelOptions { CancellationToken = cancellationToken }, i => values[i] = metric.Score(inputs[i]));
        return Task.FromResult<IReadOnlyList<IReadOnlyDictionary<string, double>>>(values);
    }
}
