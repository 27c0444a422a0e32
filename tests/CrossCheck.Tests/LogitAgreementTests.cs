using BioEval.TestSupport;

namespace BioEval.CrossCheck.Tests;

/// <summary>The comparison rules every cross-check uses, on hand-made logits.</summary>
public sealed class LogitAgreementTests
{
    private const float Tolerance = 1e-4f;

    [Fact]
    public void CandidatesCloserThanTheToleranceMaySwap()
    {
        // The reported failure: 5th and 6th candidates 6e-6 apart come out in the other order.
        float[] expected = [5f, 4f, 3f, 2f, 1.000006f, 1f, 0f];
        float[] actual = [5f, 4f, 3f, 2f, 1f, 1.000006f, 0f];
        Assert.Null(LogitAgreement.RankDisagreement(expected, actual, 5, Tolerance));
    }

    [Fact]
    public void ASwapOfCandidatesFurtherApartThanTheToleranceIsReported()
    {
        float[] expected = [5f, 4f, 3f, 2f, 1.001f, 1f, 0f];
        float[] actual = [5f, 4f, 3f, 2f, 1f, 1.001f, 0f];
        var disagreement = LogitAgreement.RankDisagreement(expected, actual, 5, Tolerance);
        Assert.NotNull(disagreement);
        Assert.Contains("token 4 led token 5", disagreement);
    }

    [Fact]
    public void ATokenFromBelowTheTopKThatOvertakesADecidedCandidateIsReported()
    {
        float[] expected = [5f, 4f, 3f, 2f, 1f, 0f];
        float[] actual = [5f, 4f, 3f, 2f, 1f, 4.5f];
        Assert.NotNull(LogitAgreement.RankDisagreement(expected, actual, 2, Tolerance));
    }

    [Fact]
    public void MaxDifferenceTreatsNaNAsInfinitelyFar()
    {
        Assert.Equal((0.5f, 1), LogitAgreement.MaxDifference([1f, 2f, 3f], [1f, 2.5f, 3f]));
        Assert.Equal(float.PositiveInfinity, LogitAgreement.MaxDifference([1f, 2f], [1f, float.NaN]).Max);
    }

    [Fact]
    public void TheTopTwoMarginIsTheGapBetweenTheTwoLargestValues()
    {
        Assert.Equal(0.25f, LogitAgreement.TopTwoMargin([0f, 3f, 2.75f, -1f]));
        Assert.Equal(0f, LogitAgreement.TopTwoMargin([2f, 2f, 1f]));
    }

    [Fact]
    public void GreedyRunsMustAgreeOnTheDecidedStepsOnly()
    {
        // Decided through step 2: a different fourth token is allowed, a different third is not.
        LogitAgreement.AssertGreedyAgrees([1, 2, 3, 4], [1, 2, 3, 9], decided: 3, "near-tie at step 3");
        Assert.ThrowsAny<Exception>(() => LogitAgreement.AssertGreedyAgrees([1, 2, 3, 4], [1, 2, 9, 4], decided: 3, "x"));
        // Every decision decided (one more than the tokens): lengths must be equal too.
        Assert.ThrowsAny<Exception>(() => LogitAgreement.AssertGreedyAgrees([1, 2], [1, 2, 3], decided: 3, "x"));
        // A row that stops before the decided steps end is a disagreement.
        Assert.ThrowsAny<Exception>(() => LogitAgreement.AssertGreedyAgrees([1, 2, 3, 4], [1, 2], decided: 3, "x"));
    }
}
