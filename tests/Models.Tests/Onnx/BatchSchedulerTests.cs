using BioEval.Models.Onnx;

namespace BioEval.Models.Tests.Onnx;

public sealed class BatchSchedulerTests
{
    [Fact]
    public void GroupsSimilarLengthsIntoBatchesOfAtMostN()
    {
        var plan = BatchScheduler.Plan([50, 10, 40, 11, 12], maxBatchSize: 2);
        Assert.Equal([[1, 3], [4, 2], [0]], plan.Select(b => b.ToArray()).ToArray());
    }

    [Fact]
    public void EqualLengthsKeepTheirOriginalOrder()
    {
        var plan = BatchScheduler.Plan([5, 5, 5], maxBatchSize: 8);
        Assert.Equal([0, 1, 2], plan.Single());
    }

    [Fact]
    public void ATokenBudgetClosesABatchBeforeItsPaddedSizeExceedsIt()
    {
        // Sorted 10, 20, 30: {10, 20} pads to 2 x 20 = 40 <= 50; adding 30 would pad to 90.
        var plan = BatchScheduler.Plan([30, 10, 20], maxBatchSize: 8, maxBatchTokens: 50);
        Assert.Equal([[1, 2], [0]], plan.Select(b => b.ToArray()).ToArray());
    }

    [Fact]
    public void APromptLongerThanTheBudgetStillGetsItsOwnBatch()
    {
        var plan = BatchScheduler.Plan([100], maxBatchSize: 4, maxBatchTokens: 10);
        Assert.Equal([0], plan.Single());
    }
}
