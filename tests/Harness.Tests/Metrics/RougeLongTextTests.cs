using BioEval.Harness.Metrics;
using BioEval.Harness.Scoring;

namespace BioEval.Harness.Tests.Metrics;

/// <summary>ROUGE-L stays exact on long texts, handles a million-word prediction, and refuses what it cannot finish.</summary>
public sealed class RougeLongTextTests
{
    // The textbook table, kept here as the independent computation.
    private static int PlainLcs(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var t = new int[a.Count + 1, b.Count + 1];
        for (var i = 1; i <= a.Count; i++)
            for (var j = 1; j <= b.Count; j++)
                t[i, j] = a[i - 1] == b[j - 1] ? t[i - 1, j - 1] + 1 : Math.Max(t[i - 1, j], t[i, j - 1]);
        return t[a.Count, b.Count];
    }

    private static List<string> Words(Random random, int count, int vocabulary) =>
        [.. Enumerable.Range(0, count).Select(_ => "w" + random.Next(vocabulary))];

    [Fact]
    public void TheLcsEqualsTheTextbookTableOnRandomTextsOfEveryShape()
    {
        var random = new Random(7);
        for (var trial = 0; trial < 300; trial++)
        {
            var a = Words(random, random.Next(0, 60), random.Next(1, 30));
            var b = Words(random, random.Next(0, 200), random.Next(1, 30));
            Assert.Equal(PlainLcs(a, b), Rouge.LcsLength(a, b));
            Assert.Equal(PlainLcs(a, b), Rouge.LcsLength(b, a));
        }
    }

    [Fact]
    public void AMillionWordPredictionAgainstAHundredWordReferenceIsScored()
    {
        var random = new Random(1);
        var reference = Words(random, 100, 500);
        var prediction = Words(random, 1_000_000, 5_000);
        var lcs = Rouge.LcsLength(reference, prediction);
        // Every reference word of the small vocabulary occurs many times in the prediction, in every order.
        Assert.Equal(100, lcs);
        var score = Rouge.Score(string.Join(' ', reference), string.Join(' ', prediction));
        Assert.Equal(100.0 / 1_000_000, score.RougeL.Precision, 12);
        Assert.Equal(1.0, score.RougeL.Recall, 12);
    }

    [Fact]
    public void TextsTooLongToCompareAreRefusedByTheScoreVerbNamingTheLine()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("bioeval-rouge-").FullName, "huge.jsonl");
        var text = string.Join(' ', Enumerable.Repeat("word", 50_000));
        File.WriteAllText(path, $$"""{"id": "1", "prediction": "a", "reference": "a"}""" + "\n" + $$"""{"id": "2", "prediction": "{{text}}", "reference": "{{text}}"}""" + "\n");
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(ScoreFile.BadInput, ScoreFile.Run("rouge", path, output, error));
        Assert.StartsWith($"{path}:2: ROUGE-L would compare 50,000 × 50,000 tokens, more than the 2,000,000,000 this scorer computes", error.ToString());
        Assert.Equal("", output.ToString());
    }
}
