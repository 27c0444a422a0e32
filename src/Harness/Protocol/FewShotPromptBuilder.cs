using BioEval.Harness.Datasets;
using BioEval.Harness.Prompts;
using Microsoft.Extensions.AI;

namespace BioEval.Harness.Protocol;

/// <summary>
/// The reference's chat layout: an optional system turn, then the first k shuffled samples as
/// user/assistant pairs, then the sample to answer. The remaining samples are evaluated in shuffled order.
/// </summary>
public sealed class FewShotPromptBuilder : IPromptBuilder
{
    public static readonly FewShotPromptBuilder Instance = new();

    public IReadOnlyList<EvalItem> Build(PromptContext context)
    {
        var k = Math.Min(context.FewShot, context.Shuffled.Count);
        var examples = context.Shuffled.Take(k).ToList();
        var prefix = FewShotTurns(context.Pack, examples);
        return context.Shuffled.Skip(k)
            .Select(s => new EvalItem(s.Id, s, [.. prefix, new ChatMessage(ChatRole.User, PromptPack.Fill(context.Pack.User, s))]))
            .ToList();
    }

    /// <summary>System turn plus one user/assistant pair per example.</summary>
    public static List<ChatMessage> FewShotTurns(PromptPack pack, IEnumerable<Sample> examples)
    {
        var turns = new List<ChatMessage>();
        if (!string.IsNullOrEmpty(pack.System)) turns.Add(new ChatMessage(ChatRole.System, pack.System));
        foreach (var e in examples)
        {
            turns.Add(new ChatMessage(ChatRole.User, PromptPack.Fill(pack.User, e)));
            turns.Add(new ChatMessage(ChatRole.Assistant, (pack.AssistantPrefix ?? "") + PromptPack.Fill(pack.Assistant, e)));
        }
        return turns;
    }
}
