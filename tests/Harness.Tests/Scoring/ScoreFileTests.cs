using System.Text.Json;
using BioEval.Harness.Metrics;
using BioEval.Harness.Scoring;

namespace BioEval.Harness.Tests.Scoring;

public sealed class ScoreFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bioeval-score-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void RougeWritesOneCompactLinePerRecordAndSkipsBlankLines()
    {
        var input = Write(
            """{"id":"a","prediction":"The cat.","reference":"the cat"}""",
            "",
            """{"id":"b","prediction":"","reference":"the cat"}""");

        var (code, stdout, stderr) = Run("rouge", input);

        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Equal(
            [
                """{"id":"a","rouge1":1,"rouge2":1,"rougeL":1}""",
                """{"id":"b","rouge1":0,"rouge2":0,"rougeL":0}""",
            ],
            Lines(stdout));
    }

    [Fact]
    public void NumbersRoundTripExactly()
    {
        var input = Write("""{"id":"x","prediction":"the cat on the mat","reference":"the cat sat on the mat"}""");

        var (_, stdout, _) = Run("rouge", input);

        using var doc = JsonDocument.Parse(Lines(stdout).Single());
        var expected = Rouge.Score("the cat sat on the mat", "the cat on the mat");
        Assert.Equal(expected.Rouge1.FMeasure, doc.RootElement.GetProperty("rouge1").GetDouble());
        Assert.Equal(expected.Rouge2.FMeasure, doc.RootElement.GetProperty("rouge2").GetDouble());
        Assert.Equal(expected.RougeL.FMeasure, doc.RootElement.GetProperty("rougeL").GetDouble());
    }

    [Fact]
    public void MedNliEchoesNumericIdsAndWritesAccuracy()
    {
        var input = Write(
            """{"id":7,"prediction":"NEUTRAL","reference":"neutral"}""",
            """{"id":8,"prediction":"neutral, neutral","reference":"neutral"}""");

        var (code, stdout, _) = Run("mednli", input);

        Assert.Equal(0, code);
        Assert.Equal(["""{"id":7,"accuracy":1}""", """{"id":8,"accuracy":0}"""], Lines(stdout));
    }

    [Fact]
    public void IcdWritesTheSixFieldsInOrder()
    {
        var input = Write("""{"id":"n1","prediction":"ICD-10 Codes: I10, E11.9","reference":["I10","E1165"]}""");

        var (code, stdout, _) = Run("icd", input);

        // exact: P 1/2, R 1/2; approx {I10,E11} vs {I10,E11}: all 1.
        Assert.Equal(0, code);
        Assert.Equal(["""{"id":"n1","exact_p":0.5,"exact_r":0.5,"exact_f1":0.5,"approx_p":1,"approx_r":1,"approx_f1":1}"""],
            Lines(stdout));
    }

    [Fact]
    public void IcdWithCodeListAppendsValidRatio()
    {
        var codes = Path.Combine(_dir, "codes.txt");
        File.WriteAllText(codes, "I10\n");
        var input = Write("""{"id":"n1","prediction":"I10 Z99.9","reference":[]}""");

        var (code, stdout, _) = Run("icd", input, codes);

        Assert.Equal(0, code);
        Assert.Equal(["""{"id":"n1","exact_p":0,"exact_r":0,"exact_f1":0,"approx_p":0,"approx_r":0,"approx_f1":0,"valid_ratio":0.5}"""],
            Lines(stdout));
    }

    [Theory]
    [InlineData("rouge", """{"id":"b", prediction: "x"}""", "not valid JSON")]
    [InlineData("rouge", """["b","x","y"]""", "expected a JSON object")]
    [InlineData("rouge", """{"id":"b","reference":"y"}""", "missing field 'prediction'")]
    [InlineData("rouge", """{"prediction":"x","reference":"y"}""", "missing field 'id'")]
    [InlineData("rouge", """{"id":"b","prediction":"x","reference":["y"]}""", "'reference' must be a string")]
    [InlineData("mednli", """{"id":"b","prediction":null,"reference":"y"}""", "'prediction' must be a string")]
    [InlineData("icd", """{"id":"b","prediction":"I10","reference":"I10"}""", "'reference' must be an array of strings")]
    [InlineData("icd", """{"id":"b","prediction":"I10","reference":["I10",3]}""", "'reference'[1] must be a string")]
    [InlineData("rouge", """{"id":"b","prediction":"\ud800","reference":"y"}""", "field 'prediction' is not a valid UTF-16 string")]
    [InlineData("icd", """{"id":true,"prediction":"I10","reference":["I10"]}""", "'id' must be a string or a number")]
    public void BadLineExitsWithTwoAndNamesTheLine(string metric, string badLine, string expectedMessage)
    {
        var good = metric == "icd"
            ? """{"id":"a","prediction":"I10","reference":["I10"]}"""
            : """{"id":"a","prediction":"neutral","reference":"neutral"}""";
        var input = Write(good, "", badLine);

        var (code, stdout, stderr) = Run(metric, input);

        Assert.Equal(2, code);
        Assert.Equal("", stdout); // nothing partial is written
        Assert.Contains($"{input}:3:", stderr);
        Assert.Contains(expectedMessage, stderr);
    }

    [Fact]
    public void UnknownMetricExitsWithTwoAndListsTheKnownOnes()
    {
        var (code, _, stderr) = Run("bleu", Write("""{"id":"a","prediction":"x","reference":"y"}"""));
        Assert.Equal(2, code);
        Assert.Contains("'bleu'", stderr);
        Assert.Contains("rouge, mednli, icd", stderr);
    }

    [Fact]
    public void MissingInputFileExitsWithTwo()
    {
        var missing = Path.Combine(_dir, "absent.jsonl");
        var (code, _, stderr) = Run("rouge", missing);
        Assert.Equal(2, code);
        Assert.Contains(missing, stderr);
    }

    [Fact]
    public void MalformedCodeListExitsWithTwoAndNamesItsLine()
    {
        var codes = Path.Combine(_dir, "codes.txt");
        File.WriteAllText(codes, "I10\nnot a code\n");
        var (code, _, stderr) = Run("icd", Write("""{"id":"a","prediction":"I10","reference":["I10"]}"""), codes);
        Assert.Equal(2, code);
        Assert.Contains($"{codes}:2:", stderr);
    }

    private string Write(params string[] lines)
    {
        var path = Path.Combine(_dir, $"in-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    private static (int Code, string Stdout, string Stderr) Run(string metric, string input, string? codes = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = ScoreFile.Run(metric, input, stdout, stderr, codes);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(l => l.TrimEnd('\r')).ToArray();
}
