using BioEval.Harness.Scoring;

namespace BioEval.Harness.Tests.Scoring;

public sealed class ScoreFileNerTests
{
    [Fact]
    public void NerLinesParseTheRawOutputAndPrintDocumentPrecisionRecallF1()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "ner.jsonl");
        // Output lists "- Gout" and "asthma" (asthma is wrong), gold has Gout and Lupus: P 1/2, R 1/2, F1 1/2.
        File.WriteAllText(path, """
            {"id":"d1","prediction":"- Gout\nasthma","reference":["Gout","Lupus"]}
            {"id":"d2","prediction":"none","reference":[]}
            """);
        var output = new StringWriter();
        Assert.Equal(0, ScoreFile.Run("ner", path, output, new StringWriter()));
        Assert.Equal(
            ["""{"id":"d1","ner_p":0.5,"ner_r":0.5,"ner_f1":0.5}""", """{"id":"d2","ner_p":1,"ner_r":1,"ner_f1":1}"""],
            output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
