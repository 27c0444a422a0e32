using BioEval.Harness.Protocol;
using BioEval.Models.Baselines;
using Microsoft.Extensions.AI;

namespace BioEval.Harness.Tests.Protocol;

public sealed class FewShotPromptBuilderTests
{
    private static IReadOnlyList<EvalItem> Build(int k, int n = 5) =>
        FewShotPromptBuilder.Instance.Build(new PromptContext(TestTasks.Samples(n), k, TestTasks.Pack, new ApproximateTokenCounter(100), ProtocolOptions.Default));

    [Fact]
    public void TheFirstKSamplesBecomeExamplesAndAreNotEvaluated()
    {
        var items = Build(k: 2);
        Assert.Equal(["s3", "s4", "s5"], items.Select(i => i.Id));
    }

    [Fact]
    public void ChatIsSystemThenExamplePairsThenTheQuestion()
    {
        var chat = Build(k: 2)[0].Messages;
        Assert.Equal([ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.User, ChatRole.Assistant, ChatRole.User], chat.Select(m => m.Role));
        Assert.Equal(["Answer with one word.", "Say w1.", "w1", "Say w2.", "w2", "Say w3."], chat.Select(m => m.Text));
    }

    [Fact]
    public void ZeroShotSendsSystemAndQuestionOnly()
    {
        var chat = Build(k: 0)[0].Messages;
        Assert.Equal(["Answer with one word.", "Say w1."], chat.Select(m => m.Text));
    }

    [Fact]
    public void AssistantPrefixStartsEveryExampleAnswer()
    {
        var pack = TestTasks.Pack with { AssistantPrefix = "Word: " };
        var chat = FewShotPromptBuilder.FewShotTurns(pack, TestTasks.Samples(1));
        Assert.Equal("Word: w1", chat[^1].Text);
    }
}
