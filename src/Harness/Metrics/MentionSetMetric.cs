using BioEval.Harness.Tasks.NER;

namespace BioEval.Harness.Metrics;

/// <summary>Precision, recall and F1 of one document's predicted mention set against its gold set, with the counts behind them.</summary>
public readonly record struct MentionScore(double Precision, double Recall, double F1, int TruePositives, int Predicted, int Gold);

/// <summary>
/// Mention-set scoring for NER. Per document, over normalised mention sets: P = |pred ∩ gold| / |pred|,
/// R = |pred ∩ gold| / |gold|, F1 = 2PR / (P + R). Edge cases: no gold and no predictions scores 1 on all
/// three (nothing to find, nothing wrongly found); no gold but some predictions scores 0; gold but no
/// predictions scores P = R = F1 = 0. Task scores: the per-document means (ner_p, ner_r, ner_f1) and the
/// micro averages over the summed counts of the split (ner_micro_p, ner_micro_r, ner_micro_f1).
/// </summary>
public sealed class MentionSetMetric : ISampleMetric
{
    public static readonly MentionSetMetric Instance = new();

    public IReadOnlyList<MetricInfo> Outputs { get; } =
        [new("ner_p"), new("ner_r"), new("ner_f1", Headline: true),
         new("ner_micro_p", PerSample: false), new("ner_micro_r", PerSample: false), new("ner_micro_f1", PerSample: false)];

    /// <summary>Scores normalised predicted mentions against normalised gold mentions.</summary>
    public static MentionScore Score(IEnumerable<string> predicted, IEnumerable<string> gold)
    {
        var p = predicted.ToHashSet(StringComparer.Ordinal);
        var g = gold.ToHashSet(StringComparer.Ordinal);
        var tp = p.Count(g.Contains);
        if (g.Count == 0) return p.Count == 0 ? new(1, 1, 1, 0, 0, 0) : new(0, 0, 0, 0, p.Count, 0);
        if (p.Count == 0) return new(0, 0, 0, 0, 0, g.Count);
        double precision = (double)tp / p.Count, recall = (double)tp / g.Count;
        return new(precision, recall, F1(precision, recall), tp, p.Count, g.Count);
    }

    /// <summary>Micro-averaged P/R/F1 over summed counts; an all-empty split scores 1, like an empty document.</summary>
    public static (double Precision, double Recall, double F1) Micro(int truePositives, int predicted, int gold)
    {
        if (predicted == 0 && gold == 0) return (1, 1, 1);
        var precision = predicted == 0 ? 0 : (double)truePositives / predicted;
        var recall = gold == 0 ? 0 : (double)truePositives / gold;
        return (precision, recall, F1(precision, recall));
    }

    public IReadOnlyDictionary<string, double> Score(ScoringInput input)
    {
        var s = Score(input.Parsed.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            (input.Sample.ReferenceItems ?? []).Select(MentionListParser.Normalize).Where(m => m.Length > 0));
        return new Dictionary<string, double>
        {
            ["ner_p"] = s.Precision, ["ner_r"] = s.Recall, ["ner_f1"] = s.F1,
            ["ner_tp"] = s.TruePositives, ["ner_predicted"] = s.Predicted, ["ner_gold"] = s.Gold,
        };
    }

    public IReadOnlyDictionary<string, double> Aggregate(IReadOnlyList<IReadOnlyDictionary<string, double>> perSample)
    {
        var micro = Micro((int)perSample.Sum(s => s["ner_tp"]), (int)perSample.Sum(s => s["ner_predicted"]), (int)perSample.Sum(s => s["ner_gold"]));
        double Mean(string key) => perSample.Count == 0 ? 0 : perSample.Average(s => s[key]);
        return new Dictionary<string, double>
        {
            ["ner_p"] = Mean("ner_p"), ["ner_r"] = Mean("ner_r"), ["ner_f1"] = Mean("ner_f1"),
            ["ner_micro_p"] = micro.Precision, ["ner_micro_r"] = micro.Recall, ["ner_micro_f1"] = micro.F1,
        };
    }

    private static double F1(double p, double r) => p + r == 0 ? 0 : 2 * p * r / (p + r);
}
