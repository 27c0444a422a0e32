using BioEval.Harness.Datasets;
using BioEval.Harness.Metrics;

namespace BioEval.Harness.Tests.Metrics;

public sealed class MedNliAccuracyTests
{
    [Theory]
    [InlineData("entailment", "entailment", 1.0)]
    [InlineData("The answer is ENTAILMENT.", "entailment", 1.0)]
    [InlineData("Neutral", "neutral", 1.0)]
    [InlineData("NEUTRAL or CONTRADICTION", "neutral", 1.0)]      // only the gold label is counted
    [InlineData("NEUTRAL or CONTRADICTION", "contradiction", 1.0)]
    [InlineData("Entailment. Yes, entailment.", "entailment", 0.0)] // gold label twice
    [InlineData("neutralneutral", "neutral", 0.0)]
    [InlineData("contradiction", "neutral", 0.0)]
    [InlineData("", "neutral", 0.0)]
    [InlineData("non-entailment", "entailment", 1.0)]               // a substring counts
    public void AccuracyIsOneIffGoldLabelOccursExactlyOnce(string output, string label, double expected)
    {
        Assert.Equal(expected, MedNliAccuracy.Score(output, label));
    }

    [Theory]
    [InlineData("aaaa", "aa", 2)]   // re.findall('AA', 'AAAA') == ['AA', 'AA']: non-overlapping
    [InlineData("abc", "", 4)]      // re.findall('', 'ABC') matches at all 4 positions
    [InlineData("NeUtRaL", "NEUTRAL", 1)]
    public void CountLabelCountsNonOverlappingMatchesLikeFindall(string output, string label, int expected)
    {
        Assert.Equal(expected, MedNliAccuracy.CountLabel(output, label));
    }

    [Theory]
    [InlineData("entailmen\u1E97", "entailment", 1)] // ẗ upper-cases to T + combining diaeresis in Python
    [InlineData("\u0149eutral", "neutral", 1)]       // ŉ upper-cases to ʼN in Python
    [InlineData("contrad\u0131ction", "contradiction", 1)] // dotless ı upper-cases to I
    public void UpperCasingFollowsPythonFullCaseMapping(string output, string label, int expected)
    {
        Assert.Equal(expected, MedNliAccuracy.CountLabel(output, label));
    }

    [Theory]
    [InlineData("stra\u00DFe", "STRASSE")]
    [InlineData("\uFB01ne", "FINE")]
    [InlineData("ärzte", "ÄRZTE")]
    public void PythonUpperMatchesStrUpper(string text, string expected)
    {
        Assert.Equal(expected, PythonCase.Upper(text));
    }

    [Fact]
    public void MetricScoresTheRawOutputAgainstTheReferenceLabel()
    {
        var sample = new Sample("m1", new Dictionary<string, string>(), "contradiction");
        var input = new ScoringInput("Contradiction", Parsed: "entailment", sample);

        var values = MedNliAccuracyMetric.Instance.Score(input);

        Assert.Equal(["accuracy"], MedNliAccuracyMetric.Instance.Outputs.Select(o => o.Name));
        Assert.Equal(1.0, values["accuracy"]);
    }
}
