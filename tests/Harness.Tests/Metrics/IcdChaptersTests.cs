using BioEval.Harness.Metrics;

namespace BioEval.Harness.Tests.Metrics;

/// <summary>Predicted codes per ICD-10-CM chapter, with the codes the table does not hold shown in their chapter.</summary>
public sealed class IcdChaptersTests
{
    [Theory]
    [InlineData("A00", "01")]
    [InlineData("B99.9", "01")]
    [InlineData("C4A0", "02")]   // Merkel cell carcinoma: a letter in the third place sorts after the digits
    [InlineData("D3A", "02")]
    [InlineData("D49", "02")]
    [InlineData("D50", "03")]    // D splits between neoplasms and blood diseases
    [InlineData("E11.9", "04")]
    [InlineData("H59", "07")]
    [InlineData("H60", "08")]
    [InlineData("I10", "09")]
    [InlineData("M1A0", "13")]
    [InlineData("O99", "15")]
    [InlineData("O9A1", "15")]
    [InlineData("S72001A", "19")]
    [InlineData("T88", "19")]
    [InlineData("W00", "20")]
    [InlineData("Y99", "20")]
    [InlineData("Z3A", "21")]
    [InlineData("U07.1", "22")]
    [InlineData("F00", null)]    // F01 opens chapter 5
    [InlineData("P97", null)]    // chapter 16 ends at P96
    [InlineData("K96", null)]
    [InlineData("T89", null)]
    [InlineData("I1", null)]
    public void AChapterIsFoundByTheCategoryRange(string code, string? chapter) => Assert.Equal(chapter, IcdChapters.Of(code));

    [Fact]
    public void EveryOccurrenceCountsInItsChapterAndUnknownCodesShowAsNotInTheTable()
    {
        var table = IcdCodeList.FromCodes(["I10", "E11.9", "K21.9"]);
        var rows = IcdChapters.Count(["Codes: I10, I99.9, E11.9", "I10 and P97"], table);

        Assert.Equal(23, rows.Count);
        Assert.Equal(new IcdChapterCount("09", "I00-I99", "Circulatory system", 3, 2, 1), rows.Single(r => r.Chapter == "09"));
        Assert.Equal(new IcdChapterCount("04", "E00-E89", "Endocrine, nutritional and metabolic", 1, 1, 0), rows.Single(r => r.Chapter == "04"));
        Assert.Equal(("none", 1, 0, 1), rows[^1] is var n ? (n.Chapter, n.Predicted, n.InTable, n.NotInTable) : default);
        Assert.Equal(0, rows.Single(r => r.Chapter == "11").Predicted);
        Assert.Equal(5, rows.Sum(r => r.Predicted));
    }

    [Fact]
    public void WithoutCodesOutsideEveryChapterThereIsNoNoneRow()
    {
        var rows = IcdChapters.Count(["I10"], IcdCodeList.FromCodes(["I10"]));
        Assert.Equal(22, rows.Count);
        Assert.DoesNotContain(rows, r => r.Chapter == "none");
    }
}
