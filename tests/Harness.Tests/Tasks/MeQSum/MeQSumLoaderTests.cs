using BioEval.Harness.Datasets;
using BioEval.Harness.Tasks.MeQSum;

namespace BioEval.Harness.Tests.Tasks.MeQSum;

public sealed class MeQSumLoaderTests
{
    private const string FileName = "MeQSum_ACL2019_BenAbacha_Demner-Fushman.xlsx";

    [Fact]
    public void ReadsTheFirstSheetByHeaderNameWithFileAsId()
    {
        var samples = MeQSumLoader.Instance.Load(DatasetFixtures.Path("MeQSum", FileName));
        Assert.Equal(12, samples.Count);
        Assert.Equal("synthetic-001.txt", samples[0].Id);
        Assert.Equal("Does metformin cause diarrhea and does it go away?", samples[0].Reference);
        Assert.Equal(samples[0].Reference, samples[0].Field("Summary"));
        Assert.StartsWith("SUBJECT: metformin and stomach\nMESSAGE: I started metformin", samples[0].Field("CHQ"));
        Assert.Equal("synthetic-012.txt", samples[11].Id);
    }

    [Fact]
    public void TheRealWorkbookHasOneThousandQuestions()
    {
        var path = DatasetFixtures.SharedDataset("MeQSum", FileName);
        if (path is null) Assert.Skip($"The MeQSum workbook is not under shared/datasets/MeQSum next to {DatasetFixtures.RepoRoot} or its parents.");
        var samples = MeQSumLoader.Instance.Load(path);
        Assert.Equal(1000, samples.Count);
        Assert.Equal(1000, samples.Select(s => s.Id).Distinct().Count());
        Assert.All(samples, s => Assert.False(string.IsNullOrWhiteSpace(s.Field("CHQ"))));
    }

    [Fact]
    public void AFileThatIsNotAWorkbookIsReportedWithItsPath()
    {
        var path = DatasetFixtures.Temp(FileName, "File,CHQ,Summary\n");
        var e = Assert.Throws<DatasetFormatException>(() => MeQSumLoader.Instance.Load(path));
        Assert.Contains(path, e.Message);
    }
}
