using BioEval.Harness.Metrics.Umls;
using BioEval.Harness.Scoring;

namespace BioEval.Harness.Tests.Scoring;

public sealed class ScoreFileUmlsTests : IDisposable
{
    private static readonly UmlsIndex Lexicon = UmlsIndex.Build(RepoFiles.Fixture("umls", "MRCONSO.RRF"));
    private readonly string _dir = Directory.CreateTempSubdirectory("bioeval-score-umls-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void UmlsLinesHoldConceptPrecisionRecallAndF1()
    {
        // a: {Hypertension, Aspirin} against {Hypertension, Chest Pain}: 1/2, 1/2, 1/2.
        // b: "MI" and "heart attack" are one concept: 1, 1, 1. c: no concept on either side: 0, 0, 0.
        // d: "DM" expands before matching, so "type 2 DM" is the type 2 concept, not Diabetes Mellitus: 1, 1, 1.
        var input = Write(
            """{"id":"a","prediction":"Hypertension; started aspirin.","reference":"HTN, chest pain"}""",
            """{"id":"b","prediction":"Prior MI.","reference":"History of heart attack"}""",
            """{"id":3,"prediction":"Discharged home.","reference":""}""",
            """{"id":"d","prediction":"type 2 DM","reference":"type 2 diabetes mellitus"}""");
        var (output, error) = (new StringWriter(), new StringWriter());

        Assert.Equal(0, ScoreFile.Run("umls", input, output, error, umls: Lexicon));

        Assert.Equal("", error.ToString());
        Assert.Equal(
            [
                """{"id":"a","umls_p":0.5,"umls_r":0.5,"umls_f1":0.5}""",
                """{"id":"b","umls_p":1,"umls_r":1,"umls_f1":1}""",
                """{"id":3,"umls_p":0,"umls_r":0,"umls_f1":0}""",
                """{"id":"d","umls_p":1,"umls_r":1,"umls_f1":1}""",
            ],
            output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void UmlsWithoutALexiconIsBadInputNamingTheOption()
    {
        var input = Write("""{"id":"a","prediction":"x","reference":"y"}""");
        var (output, error) = (new StringWriter(), new StringWriter());

        Assert.Equal(ScoreFile.BadInput, ScoreFile.Run("umls", input, output, error));

        Assert.Equal("", output.ToString());
        Assert.Contains("--lexicon", error.ToString());
    }

    private string Write(params string[] lines)
    {
        var path = Path.Combine(_dir, "in.jsonl");
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        return path;
    }
}
