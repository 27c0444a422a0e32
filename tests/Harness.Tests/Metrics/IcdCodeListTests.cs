using BioEval.Harness.Metrics;

namespace BioEval.Harness.Tests.Metrics;

public sealed class IcdCodeListTests
{
    [Fact]
    public void ParsesCmsCodesFileLines()
    {
        var list = Parse("E119    Type 2 diabetes, no complications\nI10     High blood pressure\n");
        Assert.Equal(2, list.Count);
        Assert.True(list.Contains("E119"));
        Assert.True(list.Contains("E11.9"));   // dots are removed before lookup
        Assert.False(list.Contains("E11"));    // categories are absent from a codes file
    }

    [Fact]
    public void ParsesCmsOrderFileLinesIncludingCategories()
    {
        var list = Parse(
            "00001 A00     0 Cholera                                                      Cholera\n" +
            "00002 A000    1 Cholera due to V cholerae                                    Cholera due to V cholerae\n");
        Assert.True(list.Contains("A00"));
        Assert.True(list.Contains("A00.0"));
        Assert.False(list.Contains("00001"));
    }

    [Fact]
    public void ReadsTheCmsFilesInTheirExactFixedColumnLayout()
    {
        // icd10cm_order_YYYY.txt: order number (5, zero-padded), space, code (7, left-aligned), space, billable flag,
        // space, short description (60), space, long description. A seven-character code leaves one space before the flag.
        var order = Parse(
            "00001 A00     0 Cholera                                                      Cholera\n" +
            "00002 A000    1 Cholera due to Vibrio cholerae 01, biovar cholerae           Cholera due to Vibrio cholerae 01, biovar cholerae\n" +
            "45231 S72001A 1 Fracture of unsp part of neck of right femur, init          Fracture of unspecified part of neck of right femur, initial encounter for closed fracture\n" +
            "73000 Z3A00   1 Weeks of gestation of pregnancy not specified                Weeks of gestation of pregnancy not specified\n");
        Assert.Equal(4, order.Count);
        Assert.True(order.Contains("S72.001A"));
        Assert.True(order.Contains("Z3A.00"));
        // icd10cm_codes_YYYY.txt: code (7, left-aligned), space, long description; billable codes only.
        var codes = Parse(
            "A000    Cholera due to Vibrio cholerae 01, biovar cholerae\n" +
            "S72001A Fracture of unspecified part of neck of right femur, initial encounter for closed fracture\n");
        Assert.Equal(2, codes.Count);
        Assert.True(codes.Contains("S72001A"));
        Assert.False(codes.Contains("A00"));
    }

    [Fact]
    public void ParsesOneCodePerLineWithOrWithoutDotsSkippingBlanksAndComments()
    {
        var list = Parse("# my list\nI10\n\nE11.65\n  S72.001A  \n");
        Assert.Equal(3, list.Count);
        Assert.True(list.Contains("E1165"));
        Assert.True(list.Contains("S72001A"));
    }

    [Theory]
    [InlineData("e119")]   // lookup is case-sensitive, like icd10.find
    [InlineData("")]
    [InlineData("I1")]
    [InlineData("U071")]
    public void LookupIsExact(string code)
    {
        Assert.False(Parse("E119\nI10\n").Contains(code));
    }

    [Fact]
    public void MalformedLineNamesSourceAndLine()
    {
        var e = Assert.Throws<FormatException>(() => Parse("I10\nE119\nhello world\n"));
        Assert.Contains("codes.txt:3", e.Message);
        Assert.Contains("hello", e.Message);
    }

    [Fact]
    public void SampleFixtureLoadsInCmsCodesFormat()
    {
        var list = IcdCodeList.Load(Path.Combine(BioEval.TestSupport.Repository.Root, "fixtures", "icd10", "icd10cm-sample.txt"));
        Assert.True(list.Count >= 30);
        Assert.True(list.Contains("I10"));
        Assert.True(list.Contains("S72.001A"));
        Assert.False(list.Contains("E11"));
    }

    [Fact]
    public void MissingFileNamesThePath()
    {
        var e = Assert.Throws<FileNotFoundException>(() => IcdCodeList.Load("/nonexistent/codes.txt"));
        Assert.Contains("/nonexistent/codes.txt", e.Message);
    }

    private static IcdCodeList Parse(string text) => IcdCodeList.Parse(new StringReader(text), "codes.txt");
}
