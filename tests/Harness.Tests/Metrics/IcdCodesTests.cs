using BioEval.Harness.Datasets;
using BioEval.Harness.Metrics;

namespace BioEval.Harness.Tests.Metrics;

public sealed class IcdCodesTests
{
    private const int Digits = 12;

    // Expected lists were checked with Python's re.findall on the same strings ("|" separates codes).
    [Theory]
    [InlineData("I10, E11.9 and E119", "I10|E11.9|E119")]
    [InlineData("I10 I10", "I10|I10")]                 // duplicates kept
    [InlineData("U07.1", "")]                          // U is excluded
    [InlineData("e11.9 i10", "")]                      // case-sensitive
    [InlineData("XI10", "")]                           // no word boundary before
    [InlineData("I10x", "")]
    [InlineData("I10_", "")]                           // "_" is a word character
    [InlineData("(I10)", "I10")]
    [InlineData("A01.2345Z", "A01")]                   // tail backtracks away, the bare category still matches
    [InlineData("A0112345", "")]
    [InlineData("E11.95", "E11.95")]
    [InlineData("S72.001A", "S72.001A")]
    [InlineData("S72001A", "S72001A")]
    [InlineData("I10.", "I10")]
    [InlineData("A01.B", "A01.B")]
    [InlineData("E11.9.2", "E11.9")]
    [InlineData("K5900-Z794", "K5900|Z794")]
    [InlineData("ICD-10 Codes: I10, N17.9", "I10|N17.9")]
    public void ExtractFindsCodesLikeTheReferenceRegex(string output, string expected)
    {
        Assert.Equal(Split(expected), IcdCodes.Extract(output));
    }

    [Theory]
    [InlineData("\u00E9A01", "")]           // é is a letter, so no boundary (RegexOptions.ECMAScript would see one)
    [InlineData("\u00B2I10", "")]           // ² (category No) is a Python word character but not a .NET one
    [InlineData("\u0301I10", "I10")]        // a combining mark is a .NET word character but not a Python one
    [InlineData("\U0001D400I10", "")]       // an astral letter is one code point in Python, two surrogates in .NET
    [InlineData("I10\U0001D400", "")]
    [InlineData("I10\u203F", "I10")]        // undertie (Pc) is not a Python word character
    public void WordBoundariesFollowPythonUnicodeSemantics(string output, string expected)
    {
        Assert.Equal(Split(expected), IcdCodes.Extract(output));
    }

    [Fact]
    public void PredictionsHaveEveryDotRemoved()
    {
        Assert.Equal(["E119", "S72001A", "I10"], IcdCodes.Predictions("E11.9; S72.001A; I10"));
    }

    [Fact]
    public void GoldListOfNoCodesIsOneEmptyCode()
    {
        Assert.Equal([""], IcdCodes.GoldList([]));
        Assert.Equal(["I10", "E119"], IcdCodes.GoldList(["I10", "E119"]));
    }

    [Fact]
    public void ExactMatchCountsDuplicatePredictionsInPrecision()
    {
        // P: I10, I10 in gold, E119 not -> 2/3; R: I10 found, N179 not -> 1/2; F = 2(2/3)(1/2)/(7/6) = 4/7.
        var s = IcdCodes.Exact(["I10", "I10", "E119"], ["I10", "N179"]);
        Assert.Equal(2.0 / 3, s.Precision, Digits);
        Assert.Equal(0.5, s.Recall, Digits);
        Assert.Equal(4.0 / 7, s.F1, Digits);
    }

    [Fact]
    public void ApproximateMatchComparesSetsOfThreeCharacterPrefixes()
    {
        // {I10, E11} vs {I10, N17}: P = 1/2, R = 1/2.
        var s = IcdCodes.Approximate(["I10", "I10", "E119"], ["I10", "N179"]);
        Assert.Equal(new PrecisionRecallF1(0.5, 0.5, 0.5), s);

        // Different subcodes of one category are an approximate hit but an exact miss.
        Assert.Equal(new PrecisionRecallF1(1, 1, 1), IcdCodes.Approximate(["E119", "E1165"], ["E1122"]));
        Assert.Equal(new PrecisionRecallF1(0, 0, 0), IcdCodes.Exact(["E119", "E1165"], ["E1122"]));
    }

    [Fact]
    public void NoPredictionsGivesZeroPrecisionWithoutError()
    {
        Assert.Equal(new PrecisionRecallF1(0, 0, 0), IcdCodes.Exact([], ["I10"]));
        Assert.Equal(new PrecisionRecallF1(0, 0, 0), IcdCodes.Approximate([], ["I10"]));
    }

    [Fact]
    public void EmptyGoldGivesZeroRecall()
    {
        var s = IcdCodes.Score("I10, E11.9", []);
        Assert.Equal(new PrecisionRecallF1(0, 0, 0), s.Exact);
        Assert.Equal(new PrecisionRecallF1(0, 0, 0), s.Approximate);
        Assert.Null(s.ValidRatio);
    }

    [Fact]
    public void ScoreParsesRawOutputAndComparesWithGold()
    {
        // preds E119, I10, I5022 vs gold I10, E1165: exact P 1/3, R 1/2, F 0.4; approx {E11,I10,I50} vs {I10,E11}: P 2/3, R 1, F 0.8.
        var list = IcdCodeList.FromCodes(["I10", "E11.9", "E11.65"]);
        var s = IcdCodes.Score("E11.9, I10, I50.22", ["I10", "E1165"], list);
        Assert.Equal(1.0 / 3, s.Exact.Precision, Digits);
        Assert.Equal(0.5, s.Exact.Recall, Digits);
        Assert.Equal(0.4, s.Exact.F1, Digits);
        Assert.Equal(2.0 / 3, s.Approximate.Precision, Digits);
        Assert.Equal(1.0, s.Approximate.Recall, Digits);
        Assert.Equal(0.8, s.Approximate.F1, Digits);
        Assert.Equal(2.0 / 3, s.ValidRatio!.Value, Digits);
    }

    [Fact]
    public void ValidRatioCountsPredictionsInTheListAndIsZeroWithoutPredictions()
    {
        var list = IcdCodeList.FromCodes(["I10", "E119", "I21"]);
        Assert.Equal(0.75, IcdCodes.ValidRatio(["I10", "E119", "Z999", "I10"], list));
        Assert.Equal(0.0, IcdCodes.ValidRatio([], list));
    }

    [Fact]
    public void MetricReadsGoldFromReferenceItemsAndPredictionsFromRawOutput()
    {
        var sample = new Sample("c1", new Dictionary<string, string>(), "I10, N179", ["I10", "N179"]);
        var input = new ScoringInput("I10 I10 E11.9", Parsed: "", sample);
        var metric = new IcdCodeMetric(IcdCodeList.FromCodes(["I10"]));

        var values = metric.Score(input);

        Assert.Equal(["exact_p", "exact_r", "exact_f1", "approx_p", "approx_r", "approx_f1", "valid_ratio"],
            metric.Outputs.Select(o => o.Name));
        Assert.Equal(2.0 / 3, values["exact_p"], Digits);
        Assert.Equal(0.5, values["exact_r"], Digits);
        Assert.Equal(4.0 / 7, values["exact_f1"], Digits);
        Assert.Equal(0.5, values["approx_f1"], Digits);
        Assert.Equal(2.0 / 3, values["valid_ratio"], Digits);
    }

    [Fact]
    public void MetricWithoutCodeListLeavesOutValidRatio()
    {
        var metric = new IcdCodeMetric(null);
        var sample = new Sample("c1", new Dictionary<string, string>(), "I10", ["I10"]);
        Assert.DoesNotContain(metric.Outputs, o => o.Name == "valid_ratio");
        Assert.False(metric.Score(new ScoringInput("I10", "I10", sample)).ContainsKey("valid_ratio"));
    }

    [Fact]
    public void MetricWithoutReferenceItemsNamesTheSample()
    {
        var sample = new Sample("c9", new Dictionary<string, string>(), "I10");
        var e = Assert.Throws<InvalidOperationException>(() => new IcdCodeMetric(null).Score(new ScoringInput("I10", "I10", sample)));
        Assert.Contains("c9", e.Message);
    }

    private static string[] Split(string joined) => joined.Split('|', StringSplitOptions.RemoveEmptyEntries);
}
