using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace BioEval.Models.Baselines;

/// <summary>
/// The extractive lead-N summarizer: the first <paramref name="sentences"/> sentences of the longest
/// paragraph of the last user turn. Prompt packs put the source text in a paragraph of its own, so the
/// longest paragraph is the source, not the instruction.
/// </summary>
public sealed partial class LeadChatClient(string name, int sentences) : BaselineChatClient(name)
{
    protected override string Answer(IReadOnlyList<ChatMessage> messages, SampleFacts? facts)
    {
        var source = ParagraphBreak().Split(LastUserText(messages))
            .OrderByDescending(p => p.Length)
            .FirstOrDefault() ?? "";
        return Lead(source, sentences);
    }

    /// <summary>The first <paramref name="count"/> sentences of <paramref name="text"/>, whitespace collapsed.</summary>
    public static string Lead(string text, int count)
    {
        var flat = Whitespace().Replace(text, " ").Trim();
        var parts = SentenceEnd().Split(flat).Where(s => s.Length > 0).Take(count);
        return string.Join(" ", parts);
    }

    [GeneratedRegex(@"\n\s*\n")]
    private static partial Regex ParagraphBreak();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"(?<=[.!?])\s+")]
    private static partial Regex SentenceEnd();
}
