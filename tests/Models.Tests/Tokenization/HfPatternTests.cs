using System.Globalization;
using BioEval.Models.Tokenization;

namespace BioEval.Models.Tests.Tokenization;

/// <summary>Patterns match code points, as Hugging Face's Rust engine does, not UTF-16 halves.</summary>
public sealed class HfPatternTests
{
    [Fact]
    public void AnAstralLetterIsALetterBesideItsNeighbours()
    {
        // U+1D400 MATHEMATICAL BOLD CAPITAL A and U+20000 (CJK Extension B) are letters: one \p{L}+ run each word.
        Assert.Equal([(0, 4), (5, 4)], HfPattern.FromRegex(@"\p{L}+").Matches("a\U0001D400b x\U00020000y"));
        Assert.Equal([(1, 2)], HfPattern.FromRegex(@"[^\s\p{L}\p{N}]+").Matches("a\U0001F600b"));
    }

    [Fact]
    public void AReplacementKeepsAstralCharactersTheRegexDoesNotTouch() =>
        Assert.Equal("_ \U0001F600 _", HfPattern.FromRegex(@"\p{L}+").Replace("ab \U0001F600 c\U0001D400", "_"));

    [Fact]
    public void AStringPatternMayItselfBeAnAstralCharacter() =>
        Assert.Equal([(1, 2)], HfPattern.Literal("\U0001F600").Matches("a\U0001F600b"));

    [Fact]
    public void EveryStandInHasTheCategoryItStandsFor()
    {
        foreach (var category in Enum.GetValues<UnicodeCategory>().Where(c => c is not UnicodeCategory.Surrogate))
            Assert.Equal(category, CharUnicodeInfo.GetUnicodeCategory(HfPattern.StandIn(category)));
    }
}
