using BioEval.Harness.Protocol;

namespace BioEval.Harness.Tasks.PubMedQA;

/// <summary>
/// PubMedQA (Jin et al., "PubMedQA: A Dataset for Biomedical Research Question Answering", EMNLP 2019; PQA-L, MIT
/// licence): a research question and its abstract's contexts → yes, no or maybe. The classic multiple-choice
/// benchmark of biomedical models, beside the generative clinical tasks. The 500 test items are evaluated; three
/// few-shot examples come from the other 500 with the run's seed. Not one of the CLUE tasks.
/// </summary>
public static class PubMedQaTask
{
    public const string Name = "PubMedQA";

    public const int FewShot = 3;

    public static TaskDefinition Create(TaskEnvironment env) => new(
        Name,
        Version: 1,
        DataFile: "ori_pqal.json",
        Loader: PubMedQaLoader.Instance,
        PromptPack: Name,
        FewShot: FewShot,
        MaxNewTokens: 20,
        Parser: PubMedQaAnswerParser.Instance,
        Metrics: [PubMedQaMetric.Instance],
        PromptBuilder: Builder,
        Shuffle: false)
    {
        Choices = _ => PubMedQaLoader.Decisions,
        // The classic multiple-choice benchmark is scored both ways by default: the comparison is the point of the task.
        DefaultScoring = ScoringSelection.Both,
    };

    private static readonly TrainSplitPromptBuilder Builder = new((pack, sample) => Prompts.PromptPack.Fill(pack.Assistant, sample), "PubMedQA's 3 few-shot examples");
}
