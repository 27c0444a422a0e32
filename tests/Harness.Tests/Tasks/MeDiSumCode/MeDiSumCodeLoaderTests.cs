using BioEval.Harness.Datasets;
using BioEval.Harness.Tasks.MeDiSumCode;

namespace BioEval.Harness.Tests.Tasks.MeDiSumCode;

public sealed class MeDiSumCodeLoaderTests
{
    [Fact]
    public void JoinsCodesWithCommaSpaceAndUsesHadmIdAsId()
    {
        var samples = MeDiSumCodeLoader.Instance.Load(DatasetFixtures.Path("MeDiSumCode", "MeDiSumCode.json"));
        Assert.Equal(12, samples.Count);
        Assert.Equal("900001", samples[0].Id);
        Assert.Equal("J189, I10, E119", samples[0].Reference);
        Assert.Equal("J189, I10, E119", samples[0].Field("codes"));
        Assert.Equal(new[] { "J189", "I10", "E119" }, samples[0].ReferenceItems!);
        Assert.Equal(new[] { "G40909" }, samples[11].ReferenceItems!);
    }

    [Fact]
    public void FixtureCodesAreDotlessIcd10CmShapes()
    {
        var samples = MeDiSumCodeLoader.Instance.Load(DatasetFixtures.Path("MeDiSumCode", "MeDiSumCode.json"));
        Assert.All(samples.SelectMany(s => s.ReferenceItems!), c => Assert.Matches("^[A-TV-Z][0-9]{2}[0-9A-Z]{0,4}$", c));
    }

    [Fact]
    public void AnEntryWithoutCodesHasTheOneEmptyGoldCodeOfThePythonSplit()
    {
        var path = DatasetFixtures.Temp("MeDiSumCode.json", "[{\"text\":\"letter\",\"icd_codes\":[]}]");
        var sample = Assert.Single(MeDiSumCodeLoader.Instance.Load(path));
        Assert.Equal("1", sample.Id);
        Assert.Equal("", sample.Reference);
        Assert.Equal(new[] { "" }, sample.ReferenceItems!);
    }

    [Theory]
    [InlineData("[{\"text\":\"t\"}]", "entry 1: field 'icd_codes' must be an array")]
    [InlineData("[{\"text\":\"t\",\"icd_codes\":[{\"code\":\"I10\"},{\"description\":\"x\"}]}]", "entry 1, icd_codes[1]: missing field 'code'")]
    [InlineData("[{\"icd_codes\":[]}]", "entry 1: missing field 'text'")]
    public void MalformedEntriesAreNamed(string json, string expected)
    {
        var path = DatasetFixtures.Temp("MeDiSumCode.json", json);
        var e = Assert.Throws<DatasetFormatException>(() => MeDiSumCodeLoader.Instance.Load(path));
        Assert.Contains(expected, e.Message);
    }
}
