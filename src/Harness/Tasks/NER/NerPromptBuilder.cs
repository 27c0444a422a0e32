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
        var k = context.FewShot <= train.Count ? context.FewShot
            : throw new ArgumentException($"BIOEVAL_NER_SHOTS asks for {context.FewShot} few-shot example(s), but the train split holds {train.Count}.");
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

    /// <summary>Few-shot examples come from the train split and the test split is evaluated, so each is checked on its own.</summary>
    public string? Shortfall(IReadOnlyList<Sample> samples, int fewShot, string file)
    {
        var test = samples.Count(s => s.Field("split") == "test");
        var train = samples.Count(s => s.Field("split") == "train");
        return test == 0 ? $"{file}: the test split holds no documents."
            : train < fewShot ? $"BIOEVAL_NER_SHOTS asks for {fewShot} few-shot example(s), but the train split beside {file} holds {train} document(s)."
            : null;
    }

    /// <summary>The answer a perfect model gives for <paramref name="sample"/>.</summary>
    public static string Answer(PromptPack pack, Sample sample) =>
        sample.ReferenceItems is { Count: > 0 } mentions ? string.Join("\n", mentions) : pack.String("none");
}
