using BioEval.Harness.Datasets;
using BioEval.Harness.Prompts;
using BioEval.Harness.Protocol;

namespace BioEval.Harness.Tasks.NER;

/// <summary>
/// NER prompts: k few-shot documents drawn from the train split with the run's shuffle seed, then each test document
/// in file order (<see cref="TrainSplitPromptBuilder"/>). A few-shot answer lists the document's distinct mentions one
/// per line, or the pack's "none" word when it has none.
/// </summary>
public static class NerPromptBuilder
{
    public static readonly TrainSplitPromptBuilder Instance = new(Answer, "BIOEVAL_NER_SHOTS");

    /// <summary>The answer a perfect model gives for <paramref name="sample"/>.</summary>
    public static string Answer(PromptPack pack, Sample sample) =>
        sample.ReferenceItems is { Count: > 0 } mentions ? string.Join("\n", mentions) : pack.String("none");
}
