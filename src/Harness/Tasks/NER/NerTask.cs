using BioEval.Harness.Metrics;
using BioEval.Harness.Prompts;

namespace BioEval.Harness.Tasks.NER;

/// <summary>
/// NER: disease mention extraction on the NCBI disease corpus (Doğan, Leaman and Lu, J Biomed Inform 47:1-10,
/// 2014; public domain). Not one of the CLUE tasks: it runs on real, freely usable data. Test split evaluated
/// in file order; few-shot examples from the train split.
/// </summary>
public static class NerTask
{
    public const string Name = "NER";

    public static TaskDefinition Create(TaskEnvironment env) => Create(env, env.Pack(Name));

    private static TaskDefinition Create(TaskEnvironment env, PromptPack pack) => new(
        Name,
        Version: 1,
        DataFile: "NCBItestset_corpus.txt",
        Loader: new NcbiDiseaseLoader(withTrainSplit: env.Protocol.NerFewShot > 0),
        PromptPack: Name,
        FewShot: env.Protocol.NerFewShot,
        MaxNewTokens: 256,
        Parser: new MentionListParser(pack.String("none")),
        Metrics: [MentionSetMetric.Instance],
        PromptBuilder: NerPromptBuilder.Instance,
        Shuffle: false,
        OracleAnswer: sample => NerPromptBuilder.Answer(pack, sample));
}
