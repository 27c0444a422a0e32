using BioEval.Harness.Datasets;
using BioEval.Harness.Tasks.ProblemSummary;

namespace BioEval.Harness.Tests.Tasks.ProblemSummary;

public sealed class ProblemSummaryLoaderTests
{
    private static readonly string Fixture = DatasetFixtures.Path("ProblemSummary", "BioNLP2023-1A-Test.csv");

    [Theory]
    [InlineData("a; b", "a,  b")]
    [InlineData("Hyponatremia;", "Hyponatremia, ")]
    [InlineData("x;y;", "x, y, ")]
    [InlineData("no separators", "no separators")]
    public void EverySemicolonBecomesCommaSpaceAndATrailingOneSurvives(string summary, string expected) =>
        Assert.Equal(expected, ProblemSummaryLoader.TransformSummary(summary));

    [Theory]
    [InlineData("Hyponatremia;", "Hyponatremia")]
    [InlineData("x;y;", "x, y")]
    [InlineData("x;;", "x, ")]
    public void TheOptionStripsOneTrailingSemicolonFirst(string summary, string expected) =>
        Assert.Equal(expected, ProblemSummaryLoader.TransformSummary(summary, stripTrailingSemicolon: true));

    [Fact]
    public void ReadsQuotedMultiLineFieldsWithFileIdsAsIds()
    {
        var samples = ProblemSummaryLoader.Instance.Load(Fixture);
        Assert.Equal(12, samples.Count);
        Assert.Equal("S001", samples[0].Id);
        Assert.Equal("Chief complaint: shortness of breath.\nHPI: 71 yo M with CHF, worse dyspnea over 3 days, 2-pillow orthopnea, \"feels like drowning\" at night.",
            samples[0].Field("Subjectives").ReplaceLineEndings("\n"));
        Assert.Equal("Acute on chronic systolic heart failure, likely dietary indiscretion. Continue IV diuresis.", samples[0].Field("Assessment"));
        Assert.Equal("S012", samples[11].Id);
    }

    [Fact]
    public void ReferenceAndSummaryFieldHoldTheTransformedTarget()
    {
        var samples = ProblemSummaryLoader.Instance.Load(Fixture);
        Assert.Equal("Acute on chronic systolic heart failure,  volume overload, ", samples[0].Reference);
        Assert.Equal(samples[0].Reference, samples[0].Field("Summary"));
        Assert.Equal("Sepsis,  pyelonephritis,  type 2 diabetes", samples[1].Reference);

        var stripped = new ProblemSummaryLoader(stripTrailingSemicolon: true).Load(Fixture);
        Assert.Equal("Acute on chronic systolic heart failure,  volume overload", stripped[0].Reference);
        Assert.Equal(stripped[0].Reference, stripped[0].Field("Summary"));
    }

    [Fact]
    public void AMissingColumnIsNamed()
    {
        var path = DatasetFixtures.Temp("BioNLP2023-1A-Test.csv", "File ID,Subjectives,Assessment,Summary\n1,a,b,c\n");
        var e = Assert.Throws<DatasetFormatException>(() => ProblemSummaryLoader.Instance.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("lacks column(s) Objectives", e.Message);
    }

    [Fact]
    public void ARecordWithTheWrongFieldCountIsNamedByRecordAndLine()
    {
        var path = DatasetFixtures.Temp("BioNLP2023-1A-Test.csv",
            "File ID,Subjectives,Objectives,Assessment,Summary\n1,\"a\nb\",o,x,y\n2,a,o,x\n");
        var e = Assert.Throws<DatasetFormatException>(() => ProblemSummaryLoader.Instance.Load(path));
        Assert.Contains("record 2 (line 4) has 4 fields, the header has 5", e.Message);
    }
}
