using BioEval.Models.Encoders;

namespace BioEval.Harness.Metrics;

/// <summary>
/// BERTScore P, R and F1 of each output against its reference (<see cref="BertScore"/>), every distinct text of the
/// task encoded once in length-sorted batches by the run's encoder. F1 is a headline metric, as the study reports it.
/// Values depend on the encoder: results.json and the reports name it and hash its files (<see cref="Model"/>).
/// </summary>
/// <param name="encoder">The run's encoder, opened on first use and disposed by the run.</param>
public sealed class BertScoreMetric(Lazy<BertEncoder> encoder) : IBatchMetric
{
    /// <summary>How far the values may move between machines: ONNX Runtime's CPU kernels round differently per instruction set.</summary>
    public const double KernelTolerance = 1e-4;

    /// <summary>The per-sample values' names: precision, recall, F1 (also <c>score --metric bertscore</c>'s fields).</summary>
    public static readonly IReadOnlyList<string> Fields = ["bertscore_p", "bertscore_r", "bertscore_f1"];

    /// <summary>One pair's score by field name.</summary>
    public static IReadOnlyDictionary<string, double> Values(BertScoreValue s) =>
        new Dictionary<string, double> { [Fields[0]] = s.Precision, [Fields[1]] = s.Recall, [Fields[2]] = s.F1 };

    public IReadOnlyList<MetricInfo> Outputs { get; } =
    [
        new(Fields[0], Tolerance: KernelTolerance), new(Fields[1], Tolerance: KernelTolerance),
        new(Fields[2], Headline: true, Tolerance: KernelTolerance),
    ];

    public MetricModel Model
    {
        get
        {
            var e = encoder.Value;
            return new MetricModel(BertScore.Name, e.Name, e.Layer is { } layer ? $"{e.OutputName} (layer {layer})" : e.OutputName, e.FileHashes);
        }
    }

    public async Task<IReadOnlyList<IReadOnlyDictionary<string, double>>> ScoreAsync(IReadOnlyList<ScoringInput> inputs, CancellationToken cancellationToken = default)
    {
        var scores = await BertScore.ScoreAsync([.. inputs.Select(i => (i.Parsed, i.Sample.Reference))], encoder.Value, cancellationToken).ConfigureAwait(false);
        return [.. scores.Select(Values)];
    }
}
