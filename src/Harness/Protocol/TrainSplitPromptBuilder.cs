using BioEval.Harness.Datasets;
using BioEval.Harness.Prompts;
using Microsoft.Extensions.AI;

namespace BioEval.Harness.Protocol;

/// <summary>
/// Prompts for tasks whose few-shot examples come from a train split of their own (<c>split</c> field "train"): k
/// examples drawn from it with the run's shuffle seed (Python <c>random.sample</c> semantics), then each test sample in
/// file order. Test samples never appear as examples. NER and PubMedQA use it, each with its own answer text.
/// </summary>
/// <param name="answer">The few-shot assistant turn of an example.</param>
/// <param name="shotsSetting">The setting that chose k, named when the train split is too small.</param>
public sealed class TrainSplitPromptBuilder(Func<PromptPack, Sample, string> answer, string shotsSetting) : IPromptBuilder
{
    public IReadOnlyList<EvalItem> Build(PromptContext context)
    {
        var test = context.Shuffled.Where(s => s.Field("split") == "test").ToList();
        var train = context.Shuffled.Where(s => s.Field("split") == "train").ToList();
        var k = context.FewShot <= train.Count ? context.FewShot
            : throw new ArgumentException($"{shotsSetting} asks for {context.FewShot} few-shot example(s), but the train split holds {train.Count}.");
        var examples = k == 0 ? [] : new PythonRandom(context.Options.ShuffleSeed).Sample(train, k);
        var prefix = new List<ChatMessage>();
        if (!string.IsNullOrEmpty(context.Pack.System)) prefix.Add(new ChatMessage(ChatRole.System, context.Pack.System));
        foreach (var e in examples)
        {
            prefix.Add(new ChatMessage(ChatRole.User, PromptPack.Fill(context.Pack.User, e)));
            prefix.Add(new ChatMessage(ChatRole.Assistant, answer(context.Pack, e)));
        }
        return [.. test.Select(s => new EvalItem(s.Id, s, [.. prefix, new ChatMessage(ChatRole.User, PromptPack.Fill(context.Pack.User, s))]))];
    }

    /// <summary>Few-shot examples come from the train split and the test split is evaluated, so each is checked on its own.</summary>
    public string? Shortfall(IReadOnlyList<Sample> samples, int fewShot, string file)
    {
        var test = samples.Count(s => s.Field("split") == "test");
        var train = samples.Count(s => s.Field("split") == "train");
        return test == 0 ? $"{file}: the test split holds no samples."
            : train < fewShot ? $"{shotsSetting} asks for {fewShot} few-shot example(s), but the train split beside {file} holds {train}."
            : null;
    }
}
