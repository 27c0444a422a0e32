using System.Text.RegularExpressions;
using BioEval.Harness.Metrics;

namespace BioEval.Harness.Tasks.PubMedQA;

/// <summary>
/// The parse rule for a generated PubMedQA answer: the first whole word "yes", "no" or "maybe" in the output, in any
/// case ("Yes.", "the answer is no" and "Maybe, since ..." all count); an output with none of them parses to "" and is
/// wrong.
/// </summary>
public sealed partial class PubMedQaAnswerParser : IOutputParser
{
    public static readonly PubMedQaAnswerParser Instance = new();

    public string Parse(string output) => Decision().Match(output) is { Success: true } m ? m.Value.ToLowerInvariant() : "";

    [GeneratedRegex(@"\b(yes|no|maybe)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Decision();
}

/// <summary>
/// PubMedQA's metrics as Jin et al. report them: accuracy (per sample, the headline) and macro-F1 over the three
/// decisions (the unweighted mean of each decision's F1, a decision never predicted nor gold counting 0, as
/// scikit-learn's <c>f1_score(average="macro")</c> with its zero-division default; an aggregate, not per sample).
/// </summary>
public sealed class PubMedQaMetric : ISampleMetric
{
    public static readonly PubMedQaMetric Instance = new();

    public IReadOnlyList<MetricInfo> Outputs { get; } = [new("accuracy", Headline: true), new("macro_f1", PerSample: false)];

    public IReadOnlyDictionary<string, double> Score(ScoringInput input)
    {
        var values = new Dictionary<string, double> { ["accuracy"] = input.Parsed == input.Sample.Reference ? 1 : 0 };
        foreach (var d in PubMedQaLoader.Decisions)
        {
            values[$"pred_{d}"] = input.Parsed == d ? 1 : 0;
            values[$"gold_{d}"] = input.Sample.Reference == d ? 1 : 0;
        }
        return values;
    }

    public IReadOnlyDictionary<string, double> Aggregate(IReadOnlyList<IReadOnlyDictionary<string, double>> perSample) => new Dictionary<string, double>
    {
        ["accuracy"] = perSample.Count == 0 ? 0 : perSample.Average(s => s["accuracy"]),
        ["macro_f1"] = MacroF1(perSample),
    };

    /// <summary>The mean over yes, no and maybe of 2·TP / (2·TP + FP + FN), 0 where that is 0 / 0.</summary>
    public static double MacroF1(IReadOnlyList<IReadOnlyDictionary<string, double>> perSample) =>
        PubMedQaLoader.Decisions.Average(d =>
        {
            double tp = perSample.Sum(s => s[$"pred_{d}"] * s[$"gold_{d}"]);
            double predicted = perSample.Sum(s => s[$"pred_{d}"]), gold = perSample.Sum(s => s[$"gold_{d}"]);
            var denominator = predicted + gold;
            return denominator == 0 ? 0 : 2 * tp / denominator;
        });
}
