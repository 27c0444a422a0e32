using BioEval.Harness.Datasets;
using BioEval.Harness.Tasks.MeDiSumQA;

namespace BioEval.Harness.Tests.Tasks.MeDiSumQA;

public sealed class MeDiSumQALoaderTests
{
    [Fact]
    public void LoadsTheArrayWithPositionsAsIdsAndTheAnswerAsReference()
    {
        var samples = MeDiSumQALoader.Instance.Load(DatasetFixtures.Path("MeDiSumQA", "MeDiSumQA.json"));
        Assert.Equal(12, samples.Count);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => i.ToString()), samples.Select(s => s.Id));
        Assert.Equal("How long should I take the blood thinner?", samples[5].Field("Question"));
        Assert.Equal("For at least three months.", samples[5].Reference);
        Assert.StartsWith("A 38-year-old woman", samples[5].Field("discharge_summary"));
    }

    [Theory]
    [InlineData("{\"a\": 1}", "expected a JSON array, found object")]
    [InlineData("[{\"discharge_summary\":\"x\",\"Question\":\"q\",\"Answer\":\"a\"},{\"discharge_summary\":\"x\",\"Question\":\"q\"}]", "entry 2: missing field 'Answer'")]
    [InlineData("[{\"discharge_summary\":\"x\",\"Question\":7,\"Answer\":\"a\"}]", "entry 1: field 'Question' must be a string, found number")]
    public void MalformedFilesNameTheEntryAndField(string json, string expected)
    {
        var path = DatasetFixtures.Temp("MeDiSumQA.json", json);
        var e = Assert.Throws<DatasetFormatException>(() => MeDiSumQALoader.Instance.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }
}
