using Microsoft.Extensions.AI;

namespace BioEval.Models.Baselines;

/// <summary>
/// Answers with the reference itself. Scores the ceiling of each metric and proves the plumbing:
/// an oracle that scores below 100% on accuracy points at a parser or metric bug.
/// </summary>
public sealed class OracleChatClient(string name) : BaselineChatClient(name)
{
    protected override string Answer(IReadOnlyList<ChatMessage> messages, ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(ModelKeys.Reference, out var r) == true && r is string s
            ? s
            : throw new InvalidOperationException($"The oracle '{Name}' needs the reference in ChatOptions.AdditionalProperties[\"{ModelKeys.Reference}\"].");
}
