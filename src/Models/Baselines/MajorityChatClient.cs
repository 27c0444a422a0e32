using Microsoft.Extensions.AI;

namespace BioEval.Models.Baselines;

/// <summary>
/// Answers with the most frequent assistant turn among the chat's few-shot examples (ties: the earliest),
/// or with <paramref name="fallback"/> in a zero-shot chat. The majority-class baseline for label tasks.
/// </summary>
public sealed class MajorityChatClient(string name, string fallback) : BaselineChatClient(name)
{
    protected override string Answer(IReadOnlyList<ChatMessage> messages, SampleFacts? facts)
    {
        var answers = messages.Where(m => m.Role == ChatRole.Assistant).Select(m => m.Text).ToList();
        if (answers.Count == 0) return fallback;
        return answers
            .Select((text, index) => (text, index))
            .GroupBy(a => a.text)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Min(a => a.index))
            .First().Key;
    }
}
