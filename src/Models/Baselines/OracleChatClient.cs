using Microsoft.Extensions.AI;

namespace BioEval.Models.Baselines;

/// <summary>
/// Answers with the reference itself. Scores the ceiling of each metric and proves the plumbing:
/// an oracle that scores below 100% on accuracy points at a parser or metric bug.
/// </summary>
public sealed class OracleChatClient(string name) : BaselineChatClient(name)
{
    protected override string Answer(IReadOnlyList<ChatMessage> messages, SampleFacts? facts) =>
        facts?.PerfectAnswer
            ?? throw new InvalidOperationException($"The oracle '{Name}' was sent a chat its answer key does not hold; the harness registers each chat before sending it.");
}
