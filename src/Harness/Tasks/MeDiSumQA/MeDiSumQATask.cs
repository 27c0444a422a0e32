using BioEval.Harness.Metrics;

namespace BioEval.Harness.Tasks.MeDiSumQA;

/// <summary>MeDiSumQA: answer a lay question about a discharge summary.</summary>
public static class MeDiSumQATask
{
    public const string Name = "MeDiSumQA";

    public static TaskDefinition Create(TaskEnvironment env) => new(
        Name, Version: 1, DataFile: "MeDiSumQA.json", Loader: MeDiSumQALoader.Instance, PromptPack: Name,
        FewShot: 1, MaxNewTokens: 512, Parser: IdentityParser.Instance, Metrics: [RougeMetric.Instance])
    {
        BatchMetrics = env.Resources is { } r ? [.. r.BertScoreMetrics, .. r.UmlsMetrics] : [],
    };
}
