using BioEval.Harness.Reporting;

namespace BioEval.Harness.Tests.Reporting;

/// <summary>The CLUE published scores are looked up by BioEval's task and metric names, for registry names of the paper's models.</summary>
public sealed class PublishedScoresTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bioeval-published-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("MedNLI", "accuracy", "Meta-Llama-3-8B-Instruct", 70.5)]
    [InlineData("MedNLI", "accuracy", "meta-llama/meta-llama-3-8b-instruct", 70.5)] // organisation prefix and case ignored
    [InlineData("MedNLI", "accuracy", "aaditya/Llama3-OpenBioLLM-8B", 40.25)]
    [InlineData("ProblemSummary", "rougeL", "BioMistral-7B", 12.5)] // "Problem Summary" in the file
    [InlineData("ProblemSummary", "rouge1", "BioMistral-7B", null)] // not published
    [InlineData("MedNLI", "accuracy", "tiny-bio", null)] // not a model of the paper
    [InlineData("NER", "ner_f1", "BioMistral-7B", null)] // not a task of the paper
    public void ScoresAreFoundByBioEvalNames(string task, string metric, string model, double? expected) =>
        Assert.Equal(expected, PublishedScores.Load(ReportDocuments.PublishedFile(_dir)).Score(task, metric, model));

    [Fact]
    public void TheSharedFileGivesTheFiguresItHolds()
    {
        var scores = PublishedScores.Load(RepoFiles.SharedOrSkip("reference", "clue-published-scores.json"));
        // Figures read by hand from the file.
        Assert.Equal(29.51, scores.Score("MedNLI", "accuracy", "llama2-7b"));
        Assert.Equal(5.97, scores.Score("ProblemSummary", "rougeL", "llama2-7b"));
        Assert.Equal(0.77, scores.Score("MeDiSumCode", "exact_f1", "Mistral-7B-v0.1"));
        Assert.Equal(33.21, scores.Score("MeDiSumCode", "valid_ratio", "Mistral-7B-v0.1"));
        Assert.Equal(0.55, scores.Score("LongHealth", "task2_accuracy", "Mistral-7B-v0.1"));
        Assert.Equal("internistai/base-7b-v0.2", scores.PublishedName("base-7b-v0.2"));
        Assert.Contains("CLUE", scores.Source);
    }

    [Fact]
    public void AFileOfAnotherShapeIsRefusedNamingIt()
    {
        var path = Path.Combine(_dir, "other.json");
        File.WriteAllText(path, "{\"scores\": []}");
        Assert.Contains(path, Assert.Throws<InvalidDataException>(() => PublishedScores.Load(path)).Message);
    }
}
