using BioEval.Harness.Datasets;
using BioEval.Harness.Tasks.MedNLI;

namespace BioEval.Harness.Tests.Tasks.MedNLI;

public sealed class MedNLILoaderTests
{
    private static readonly string Fixture = DatasetFixtures.Path("MedNLI", "mli_test_v1.jsonl");

    [Fact]
    public void LoadsEveryLineInFileOrderWithPairIdsAsIds()
    {
        var samples = MedNLILoader.Instance.Load(Fixture);
        Assert.Equal(12, samples.Count);
        Assert.Equal("synthetic-0001", samples[0].Id);
        Assert.Equal("synthetic-0012", samples[11].Id);
        Assert.Equal("Serum sodium on admission was 124 mmol/L.", samples[3].Field("sentence1"));
        Assert.Equal("The patient was hyponatremic on admission.", samples[3].Field("sentence2"));
    }

    [Fact]
    public void ReferenceIsTheLowercaseGoldLabel()
    {
        var samples = MedNLILoader.Instance.Load(Fixture);
        Assert.Equal(new[] { "entailment", "contradiction", "neutral" }, samples.Take(3).Select(s => s.Reference));
        Assert.All(samples, s => Assert.Equal(s.Field("gold_label"), s.Reference));
    }

    [Fact]
    public void LinesWithoutPairIdAreNumberedByLineSkippingBlankLines()
    {
        var path = DatasetFixtures.Temp("mli.jsonl",
            "{\"sentence1\":\"a\",\"sentence2\":\"b\",\"gold_label\":\"neutral\"}\n\n" +
            "{\"sentence1\":\"c\",\"sentence2\":\"d\",\"gold_label\":\"entailment\"}\n");
        var samples = MedNLILoader.Instance.Load(path);
        Assert.Equal(new[] { "1", "3" }, samples.Select(s => s.Id));
    }

    [Theory]
    [InlineData("{\"sentence1\":\"a\",\"sentence2\":\"b\"}", "mli.jsonl:2: missing field 'gold_label'")]
    [InlineData("{\"sentence1\":\"a\",\"sentence2\":\"b\",\"gold_label\":\"ENTAILMENT\"}", "mli.jsonl:2: field 'gold_label' is 'ENTAILMENT'")]
    [InlineData("{\"sentence1\":\"a\",", "mli.jsonl:2:17: invalid JSON: ")]
    public void MalformedLinesNameFileAndLine(string badLine, string expected)
    {
        var path = DatasetFixtures.Temp("mli.jsonl", "{\"sentence1\":\"a\",\"sentence2\":\"b\",\"gold_label\":\"neutral\"}\n" + badLine + "\n");
        var e = Assert.Throws<DatasetFormatException>(() => MedNLILoader.Instance.Load(path));
        Assert.Contains(expected, e.Message);
    }
}
