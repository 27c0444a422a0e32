using BioEval.Models;
using BioEval.Models.Baselines;
using Microsoft.Extensions.AI;

namespace BioEval.Models.Tests.Baselines;

public sealed class BaselineTests
{
    /// <summary>A chat registered in the model's own answer key, as the harness registers each chat before sending it.</summary>
    private static ChatMessage[] Registered(IChatClient model, string reference, string task = "T")
    {
        ChatMessage[] chat = [new(ChatRole.User, "q")];
        model.GetService<AnswerKey>()!.Register(chat, new SampleFacts(task, reference));
        return chat;
    }

    [Fact]
    public async Task OracleAnswersTheReferenceFromItsAnswerKeyNotFromTheRequest()
    {
        var oracle = new OracleChatClient("o");
        var r = await oracle.GetResponseAsync(Registered(oracle, "gold"), new ChatOptions(), TestContext.Current.CancellationToken);
        Assert.Equal("gold", r.Text);
    }

    [Fact]
    public async Task OracleAskedAnUnregisteredChatSaysWhatItNeeds()
    {
        // An equal chat that is another list instance is not the registered one.
        var oracle = new OracleChatClient("o");
        Registered(oracle, "gold");
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => oracle.GetResponseAsync([new ChatMessage(ChatRole.User, "q")], cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("answer key", e.Message);
    }

    [Fact]
    public async Task MajorityPicksTheMostFrequentExampleAnswerWithTiesToTheEarliest()
    {
        ChatMessage[] chat =
        [
            new(ChatRole.System, "s"),
            new(ChatRole.User, "1"), new(ChatRole.Assistant, "neutral"),
            new(ChatRole.User, "2"), new(ChatRole.Assistant, "entailment"),
            new(ChatRole.User, "3"), new(ChatRole.Assistant, "entailment"),
            new(ChatRole.User, "4"),
        ];
        Assert.Equal("entailment", (await new MajorityChatClient("m", "x").GetResponseAsync(chat, cancellationToken: TestContext.Current.CancellationToken)).Text);
        Assert.Equal("neutral", (await new MajorityChatClient("m", "x").GetResponseAsync(chat[..5], cancellationToken: TestContext.Current.CancellationToken)).Text);
        Assert.Equal("x", (await new MajorityChatClient("m", "x").GetResponseAsync([new(ChatRole.User, "q")], cancellationToken: TestContext.Current.CancellationToken)).Text);
    }

    [Fact]
    public async Task LeadTakesTheFirstSentencesOfTheLongestParagraph()
    {
        var user = "Summarize the text.\n\nThe patient has a cough. She smokes daily! Is it asthma? Unclear.\n\nAnswer briefly.";
        var r = await new LeadChatClient("l", 2).GetResponseAsync([new ChatMessage(ChatRole.User, user)], cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("The patient has a cough. She smokes daily!", r.Text);
    }

    [Fact]
    public async Task ConstantAnswersPerTaskWhenConfigured()
    {
        var c = new ConstantChatClient("c", "default", new Dictionary<string, string> { ["MedNLI"] = "neutral" });
        Assert.Equal("neutral", (await c.GetResponseAsync(Registered(c, "r", "MedNLI"), cancellationToken: TestContext.Current.CancellationToken)).Text);
        Assert.Equal("default", (await c.GetResponseAsync(Registered(c, "r", "MeQSum"), cancellationToken: TestContext.Current.CancellationToken)).Text);
    }

    [Theory]
    [InlineData("BP 120/80, stable.", 7)]
    [InlineData("", 0)]
    public void ApproximateCounterCountsWordsAndPunctuation(string text, int expected) =>
        Assert.Equal(expected, new ApproximateTokenCounter(10).CountTokens(text));

    [Fact]
    public void ApproximateCounterTruncatesAtATokenBoundary() =>
        Assert.Equal("BP 120/", new ApproximateTokenCounter(10).Truncate("BP 120/80, stable.", 3));

    [Fact]
    public void FactoryNamesTheKnownKindsForAnUnknownOne()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelFactory.Create(new ModelSpec("x", "nonsense")));
        Assert.Contains("oracle", e.Message);
    }
}
