namespace BioEval.Harness.Metrics.Umls;

/// <summary>Precision, recall and F1 of one output's concept set against its reference's, with the counts behind them.</summary>
public readonly record struct ConceptScore(double Precision, double Recall, double F1, int Common, int Predicted, int Gold);

/// <summary>
/// The reference's UMLS concept F1 (CLUE's <c>compute_UMLS_F1</c>) over sets of canonical concept names:
/// P = |pred ∩ gold| / |pred|, 0 with no predicted concept; R = |pred ∩ gold| / |gold|, 0 with no gold concept;
/// F1 = 2PR / (P + R), 0 when P + R = 0. So an output and a reference that both name no concept score 0, unlike the
/// NER mention sets (<see cref="MentionSetMetric"/>), where nothing to find and nothing found scores 1.
/// </summary>
public static class UmlsConceptF1
{
    /// <summary>Scores predicted concept names against gold concept names (ordinal comparison).</summary>
    public static ConceptScore Score(IReadOnlySet<string> predicted, IReadOnlySet<string> gold)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(gold);
        var common = predicted.Count(gold.Contains);
        var precision = predicted.Count == 0 ? 0 : (double)common / predicted.Count;
        var recall = gold.Count == 0 ? 0 : (double)common / gold.Count;
        var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new ConceptScore(precision, recall, f1, common, predicted.Count, gold.Count);
    }
}

/// <summary>
/// The UMLS concept F1 of a parsed output against the sample's reference text (ProblemSummary, MeDiSumQA), concepts
/// found by <see cref="UmlsIndex.ConceptNames"/>: umls_p, umls_r and umls_f1, each the mean over samples.
/// </summary>
public sealed class UmlsConceptMetric(UmlsIndex index) : ISampleMetric
{
    /// <summary>The metric's name in <c>bioeval score --metric</c>.</summary>
    public const string MetricName = "umls";

    private readonly UmlsIndex _index = index ?? throw new ArgumentNullException(nameof(index));

    /// <summary>The outputs, F1 the headline.</summary>
    public static readonly IReadOnlyList<MetricInfo> OutputList = [new("umls_p"), new("umls_r"), new("umls_f1", Headline: true)];

    public IReadOnlyList<MetricInfo> Outputs => OutputList;

    public IReadOnlyDictionary<string, double> Score(ScoringInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var s = UmlsConceptF1.Score(_index.ConceptNames(input.Parsed), _index.ConceptNames(input.Sample.Reference));
        return new Dictionary<string, double> { ["umls_p"] = s.Precision, ["umls_r"] = s.Recall, ["umls_f1"] = s.F1 };
    }
}
