using System.Text.RegularExpressions;
using BioEval.Harness.Prompts;

namespace BioEval.Harness.Tasks.LongHealth;

/// <summary>
/// Extracts the chosen option letter the way the reference does (<c>The correct answer is (\w):</c>, first match):
/// the answer phrase, one space, a single word character, then a colon directly after it. Case-sensitive. The phrase
/// comes from the prompt pack (<c>strings.answerPhrase</c>), so a pack that asks for other wording is parsed by it.
/// No match gives "", which the metric counts as wrong.
/// </summary>
public sealed class LongHealthAnswerParser : IOutputParser
{
    /// <summary>The pack string that holds the phrase.</summary>
    public const string AnswerPhraseKey = "answerPhrase";

    private readonly Regex _answer;

    public LongHealthAnswerParser(string answerPhrase)
    {
        ArgumentException.ThrowIfNullOrEmpty(answerPhrase);
        AnswerPhrase = answerPhrase;
        _answer = new Regex(Regex.Escape(answerPhrase) + @" (\w):", RegexOptions.CultureInvariant);
    }

    /// <summary>The parser for a pack's answer phrase.</summary>
    public static LongHealthAnswerParser FromPack(PromptPack pack) => new(pack.String(AnswerPhraseKey));

    /// <summary>The phrase that introduces the letter.</summary>
    public string AnswerPhrase { get; }

    public string Parse(string rawOutput)
    {
        var m = _answer.Match(rawOutput);
        return m.Success ? m.Groups[1].Value : "";
    }

    /// <summary>A minimal well-formed answer for <paramref name="letter"/> (e.g. for an oracle model): "The correct answer is B:".</summary>
    public string FormatAnswer(string letter) => $"{AnswerPhrase} {letter}:";
}
