using BioEval.Harness.Metrics;

namespace BioEval.Harness.Tasks.MedNLI;

/// <summary>MedNLI (Romanov and Shivade, 2018): natural language inference on clinical sentence pairs, test split.</summary>
public static class MedNLITask
{
    public const string Name = "MedNLI";

    public static TaskDefinition Create(TaskEnvironment env) => new(
        Name, Version: 1, DataFile: "mli_test_v1.jsonl", Loader: MedNLILoader.Instance, PromptPack: Name,
        FewShot: 3, MaxNewTokens: 20, Parser: IdentityParser.Instance, Metrics: [MedNliAccuracyMetric.Instance],
        Averaging: Averaging.FirstSampleTwice)
    {
        // The labels as the few-shot answers write them; the metric finds the gold one in exactly one of them.
        Choices = _ => MedNLILoader.Labels,
    };
}
