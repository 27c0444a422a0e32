using BioEval.Harness.Metrics.Umls;

namespace BioEval.Harness.Tests.Metrics.Umls;

public sealed class UmlsConceptF1Tests
{
    [Fact]
    public void NoPredictedConceptScoresZeroPrecisionAndZeroF1()
    {
        var s = UmlsConceptF1.Score(Set(), Set("Hypertension"));
        Assert.Equal((0, 0, 0), (s.Precision, s.Recall, s.F1));
    }

    [Fact]
    public void NoGoldConceptScoresZeroRecallAndZeroF1()
    {
        var s = UmlsConceptF1.Score(Set("Hypertension"), Set());
        Assert.Equal((0, 0, 0), (s.Precision, s.Recall, s.F1));
    }

    [Fact]
    public void BothEmptyScoreZeroNotOne()
    {
        // Unlike the NER mention sets, nothing found against nothing to find is not a perfect score here.
        var s = UmlsConceptF1.Score(Set(), Set());
        Assert.Equal((0, 0, 0), (s.Precision, s.Recall, s.F1));
    }

    [Fact]
    public void PartialOverlapScoresExactFractions()
    {
        // 2 of 3 predicted are gold, 2 of 4 gold are found: P = 2/3, R = 1/2, F1 = 2·(1/3)/(7/6) = 4/7.
        var s = UmlsConceptF1.Score(Set("Aspirin", "Hypertension", "Chest Pain"), Set("Hypertension", "Chest Pain", "Heart Failure", "Metformin"));
        Assert.Equal((2, 3, 4), (s.Common, s.Predicted, s.Gold));
        Assert.Equal(2.0 / 3, s.Precision, 12);
        Assert.Equal(0.5, s.Recall, 12);
        Assert.Equal(4.0 / 7, s.F1, 12);
    }

    [Fact]
    public void NoOverlapScoresZero()
    {
        var s = UmlsConceptF1.Score(Set("Aspirin"), Set("Metformin"));
        Assert.Equal((0, 0, 0), (s.Precision, s.Recall, s.F1));
    }

    [Fact]
    public void NamesCompareOrdinally()
    {
        // Canonical names are exact strings: case differences are different names.
        Assert.Equal(0, UmlsConceptF1.Score(Set("aspirin"), Set("Aspirin")).F1);
    }

    private static HashSet<string> Set(params string[] names) => [.. names];
}
