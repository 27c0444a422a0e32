using Microsoft.Extensions.AI;

namespace BioEval.Models.Baselines;

/// <summary>
/// Always gives the same answer, optionally one per task (<c>text.MedNLI</c> in the registry options).
/// The floor a real model must clear.
/// </summary>
public sealed class ConstantChatClient(string name, string text, IReadOnlyDictionary<string, string>? perTask = null)
    : BaselineChatClient(name)
{
    protected override string Answer(IReadOnlyList<ChatMessage> messages, SampleFacts? facts) =>
        facts is not null && perTask is not null && perTask.TryGetValue(facts.Task, out var specific) ? specific : text;
}
