using BioEval.Harness.Metrics;

namespace BioEval.Harness.Tasks.MeQSum;

/// <summary>MeQSum (Ben Abacha and Demner-Fushman, ACL 2019): summarise a consumer health question.</summary>
public static class MeQSumTask
{
    public const string Name = "MeQSum";

    public static TaskDefinition Create(TaskEnvironment env) => new(
        Name, Version: 1, DataFile: "MeQSum_ACL2019_BenAbacha_Demner-Fushman.xlsx", Loader: MeQSumLoader.Instance, PromptPack: Name,
        FewShot: 3, MaxNewTokens: 512, Parser: IdentityParser.Instance, Metrics: [RougeMetric.Instance])
    {
        BatchMetrics = env.Resources?.BertScoreMetrics ?? [],
    };
}
