using System.Text.Json;
using BioEval.Harness.Metrics;
using BioEval.Harness.Scoring;
using BioEval.Models.Encoders;
using BioEval.TestSupport;

namespace BioEval.Harness.Tests.Scoring;

/// <summary><c>bioeval score --metric bertscore</c>: one line of P/R/F1 per record, and every bad input a message with exit code 2.</summary>
public sealed class ScoreFileBertScoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bioeval-score-bert-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(params string[] lines)
    {
        var path = Path.Combine(_dir, "input.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    private static async Task<(int Code, string[] Lines, string Stderr)> Run(string input, Func<ITokenEncoder> open)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = await ScoreFile.RunBertScoreAsync(input, open, stdout, stderr, TestContext.Current.CancellationToken);
        return (code, stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), stderr.ToString());
    }

    private static Func<ITokenEncoder> Embedded(int? layer = null) =>
        () => BertEncoder.Open(MiniLm.Folder, new BertEncoderOptions { Layer = layer, PreferCuda = false, IntraOpNumThreads = 1, Log = _ => { } });

    [Fact]
    public async Task EachRecordGetsOneLineOfPrecisionRecallAndF1WithItsIdAsGiven()
    {
        var input = Write(
            """{"id":"a","prediction":"The patient has chest pain.","reference":"Patient reports chest pain."}""",
            "",
            """{"id":7,"prediction":"Fever.","reference":"Fever."}""",
            """{"id":"c","prediction":"","reference":"No acute distress."}""");

        var (code, lines, stderr) = await Run(input, Embedded());

        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Equal(3, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal(["id", "bertscore_p", "bertscore_r", "bertscore_f1"], first.RootElement.EnumerateObject().Select(p => p.Name));
        using var encoder = MiniLm.Open();
        var expected = (await BertScore.ScoreAsync([("The patient has chest pain.", "Patient reports chest pain.")], encoder, TestContext.Current.CancellationToken))[0];
        Assert.Equal(expected.F1, first.RootElement.GetProperty("bertscore_f1").GetDouble());
        Assert.StartsWith("""{"id":7,"bertscore_p":""", lines[1]);
        Assert.Equal(1.0, JsonDocument.Parse(lines[1]).RootElement.GetProperty("bertscore_f1").GetDouble(), 6);
        Assert.Equal("""{"id":"c","bertscore_p":0,"bertscore_r":0,"bertscore_f1":0}""", lines[2]);
    }

    [Fact]
    public async Task ABadLineIsNamedByFileAndLineBeforeAnyModelIsLoaded()
    {
        var input = Write("""{"id":"a","prediction":"x","reference":"y"}""", """{"id":"b","prediction":"x","reference":["y"]}""");
        var opened = false;

        var (code, lines, stderr) = await Run(input, () => { opened = true; throw new InvalidOperationException("not reached"); });

        Assert.Equal(ScoreFile.BadInput, code);
        Assert.Empty(lines);
        Assert.Contains($"{input}:2: field 'reference' must be a string for metric 'bertscore'", stderr);
        Assert.False(opened);
    }

    [Fact]
    public async Task NotJsonIsNamedByFileAndLine()
    {
        var input = Write("""{"id":"a","prediction":"x","reference":"y"}""", "{not json");

        var (code, _, stderr) = await Run(input, Embedded());

        Assert.Equal(ScoreFile.BadInput, code);
        Assert.Contains($"{input}:2: not valid JSON", stderr);
    }

    [Fact]
    public async Task AMissingInputFileIsNamed()
    {
        var missing = Path.Combine(_dir, "absent.jsonl");

        var (code, _, stderr) = await Run(missing, Embedded());

        Assert.Equal(ScoreFile.BadInput, code);
        Assert.Contains(missing, stderr);
    }

    [Fact]
    public async Task AnEncoderFolderItCannotUseIsAMessageWithExitCodeTwo()
    {
        var input = Write("""{"id":"a","prediction":"x","reference":"y"}""");
        var empty = Directory.CreateDirectory(Path.Combine(_dir, "empty-model")).FullName;

        var missing = await Run(input, () => BertEncoder.Open(Path.Combine(_dir, "no-such-model")));
        var noModel = await Run(input, () => BertEncoder.Open(empty));
        var layer = await Run(input, Embedded(layer: 9));

        Assert.Equal((ScoreFile.BadInput, ScoreFile.BadInput, ScoreFile.BadInput), (missing.Code, noModel.Code, layer.Code));
        Assert.Contains("no-such-model does not exist", missing.Stderr);
        Assert.Contains("has no model.onnx", noModel.Stderr);
        Assert.Contains("Layer 9 is out of range", layer.Stderr);
    }

    [Fact]
    public void TheLineByLineEntryPointSendsBertScoreToTheBatchedOne()
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());

        var code = ScoreFile.Run(BertScore.Name, Write("""{"id":"a","prediction":"x","reference":"y"}"""), stdout, stderr);

        Assert.Equal(ScoreFile.BadInput, code);
        Assert.Contains(nameof(ScoreFile.RunBertScoreAsync), stderr.ToString());
        Assert.Contains("bertscore", string.Join(", ", ScoreFile.MetricNames));
    }
}
