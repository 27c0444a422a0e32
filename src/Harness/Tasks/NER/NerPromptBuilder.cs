using BioEval.Harness.Datasets;
using BioEval.Harness.Prompts;
using BioEval.Harness.Protocol;
using Microsoft.Extensions.AI;

namespace BioEval.Harness.Tasks.NER;

/// <summary>
/// NER prompts: k few-shot documents drawn from the train split with the run's shuffle seed
/// (Python <c>random.sample</c> semantics), then each test document in file order. A few-shot answer lists the
/// document's distinct mentions one per line, or the pack's "none" word when it has none.
/// </summary>
public sealed class NerPromptBuilder : IPromptBuilder
{
    public static readonly NerPromptBuilder Instance = new();

    public IReadOnlyList<EvalItem> Build(PromptContext context)
    {
        var test = context.Shuffled.Where(s => s.Field("split") == "test").ToList();
        var train = context.Shuffled.Where(s => s.Field("split") == "train").ToList();
        var k = Math.Min(context.FewShot, train.Count);
        var examples = k == 0 ? [] : new PythonRandom(context.Options.ShuffleSeed).Sample(train, k);
        var prefix = new List<ChatMessage>();
        if (!string.IsNullOrEmpty(context.Pack.System)) prefix.Add(new ChatMessage(ChatRole.System, context.Pack.System));
        foreach (var e in examples)
        {
            prefix.Add(new ChatMessage(ChatRole.User, PromptPack.Fill(context.Pack.User, e)));
            prefix.Add(new ChatMessage(ChatRole.Assistant, Answer(context.Pack, e)));
        }
        return [.. test.Select(s => new EvalItem(s.Id, s, [.. prefix, new ChatMessage(ChatRole.User, PromptPack.Fill(context.Pack.User, s))]))];
    }

    /// <summary>The answer a perfect model gives for <paramref name="sample"/>.</summary>
    public static string Answer(PromptPack pack, Sample sample) =>
        sample.ReferenceItems is { Count: > 0 } mentions ? string.Join("\n", mentions) : pack.String("none");
}
