using BioEval.Harness.Metrics;

namespace BioEval.Harness.Tasks.ProblemSummary;

/// <summary>Problem List Summarization (BioNLP 2023 shared task 1A): list a patient's problems from a progress note.</summary>
public static class ProblemSummaryTask
{
    public const string Name = "ProblemSummary";

    public static TaskDefinition Create(TaskEnvironment env) => new(
        Name, Version: 1, DataFile: "BioNLP2023-1A-Test.csv", Loader: new ProblemSummaryLoader(env.Protocol.StripTrailingSemicolon), PromptPack: Name,
        FewShot: 3, MaxNewTokens: 512, Parser: IdentityParser.Instance, Metrics: [RougeMetric.Instance])
    {
        BatchMetrics = env.Resources is { } r ? [.. r.BertScoreMetrics, .. r.UmlsMetrics] : [],
    };
}
