using BioEval.Harness.Metrics;

namespace BioEval.Harness.Tasks.MeDiSumCode;

/// <summary>MeDiSumCode: list the ICD-10 codes of a discharge summary's diagnoses.</summary>
public static class MeDiSumCodeTask
{
    public const string Name = "MeDiSumCode";

    public static TaskDefinition Create(TaskEnvironment env)
    {
        if (!File.Exists(env.IcdCodeList))
            throw new FileNotFoundException($"MeDiSumCode needs an ICD-10-CM code list for its valid-code ratio: {env.IcdCodeList} does not exist (set BIOEVAL_ICD_CODES).", env.IcdCodeList);
        var table = IcdCodeList.Load(env.IcdCodeList);
        return new(
            Name, Version: 1, DataFile: "MeDiSumCode.json", Loader: MeDiSumCodeLoader.Instance, PromptPack: Name,
            FewShot: 1, MaxNewTokens: 512, Parser: IdentityParser.Instance, Metrics: [new IcdCodeMetric(table)],
            Averaging: Averaging.FirstSampleTwice)
        {
            IcdChapters = outputs => Metrics.IcdChapters.Count(outputs, table),
        };
    }
}
