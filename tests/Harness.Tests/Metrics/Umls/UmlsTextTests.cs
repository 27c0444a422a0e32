using BioEval.Harness.Metrics.Umls;

namespace BioEval.Harness.Tests.Metrics.Umls;

public sealed class UmlsTextTests
{
    [Theory]
    [InlineData("Type-2 Diabetes, (NIDDM)!", "type 2 diabetes niddm")]
    [InlineData("  Heart   failure\t\n", "heart failure")]
    [InlineData("B12-deficiency", "b12 deficiency")]
    [InlineData("Crohn's disease", "crohn s disease")]
    [InlineData("", "")]
    [InlineData("--- ; ---", "")]
    public void TokensAreCaseFoldedRunsOfLettersAndDigits(string text, string normalized) =>
        Assert.Equal(normalized, UmlsText.Normalize(text));

    [Fact]
    public void NonAsciiLettersAndCombiningMarksStayInTheirToken()
    {
        Assert.Equal(["ménière", "s", "disease"], UmlsText.Tokens("MÉNIÈRE's Disease"));
        // Decomposed accents (combining marks) continue the token; there is no Unicode normalisation.
        Assert.Equal(["me\u0301nie\u0300re"], UmlsText.Tokens("Me\u0301nie\u0300re"));
        Assert.Equal(["αβ", "12"], UmlsText.Tokens("ΑΒ·12"));
    }

    [Theory]
    [InlineData("Pt with HTN, DM.", "pt with hypertension diabetes mellitus")]
    [InlineData("AFib/AF", "atrial fibrillation atrial fibrillation")]
    [InlineData("CHF", "congestive heart failure")]
    [InlineData("pet scan, mild emphysema", "pet scan mild emphysema")]
    public void AbbreviationsAreExpandedAsWholeTokensOnly(string text, string normalized) =>
        Assert.Equal(normalized, UmlsText.Normalize(text));

    [Fact]
    public void TheAbbreviationListIsShortAndAlreadyNormalised()
    {
        Assert.InRange(UmlsText.Abbreviations.Count, 10, 20);
        foreach (var (key, expansion) in UmlsText.Abbreviations)
        {
            Assert.Equal(expansion, UmlsText.Normalize(key.ToUpperInvariant()));
            // An expansion is its own normal form: it holds no abbreviation, capital or punctuation.
            Assert.Equal(expansion, UmlsText.Normalize(expansion));
        }
    }
}
