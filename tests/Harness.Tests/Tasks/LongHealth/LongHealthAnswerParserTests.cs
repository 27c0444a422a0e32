using BioEval.Harness.Prompts;
using BioEval.Harness.Tasks.LongHealth;

namespace BioEval.Harness.Tests.Tasks.LongHealth;

public sealed class LongHealthAnswerParserTests
{
    private static readonly LongHealthAnswerParser Parser = new("The correct answer is");

    [Theory]
    [InlineData("The correct answer is C: Acute bronchitis.", "C")]
    [InlineData("Reasoning first. The correct answer is B: x. The correct answer is D: y.", "B")]
    [InlineData("The correct answer is F:", "F")]
    [InlineData("The correct answer is c: lower case letters are word characters too", "c")]
    [InlineData("The correct answer is C - Acute bronchitis.", "")]     // no colon right after the letter
    [InlineData("The correct answer is CD: two letters", "")]          // one word character only
    [InlineData("the correct answer is C: case-sensitive phrase", "")]
    [InlineData("The correct answer is: C", "")]
    [InlineData("C: Acute bronchitis", "")]
    [InlineData("", "")]
    public void TakesTheFirstLetterDirectlyFollowedByAColon(string output, string expected) =>
        Assert.Equal(expected, Parser.Parse(output));

    [Fact]
    public void ThePhraseComesFromThePackAndIsMatchedLiterally()
    {
        var parser = new LongHealthAnswerParser("Answer (final) is");
        Assert.Equal("E", parser.Parse("Answer (final) is E: fine"));
        Assert.Equal("", parser.Parse("Answer final is E: fine"));
        Assert.Equal("The correct answer is", LongHealthAnswerParser.FromPack(PromptPack.Default("LongHealth")).AnswerPhrase);
    }

    [Fact]
    public void AFormattedAnswerParsesBackToItsLetter() =>
        Assert.Equal("D", Parser.Parse(Parser.FormatAnswer("D")));
}
