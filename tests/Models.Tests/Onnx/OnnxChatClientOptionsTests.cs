using BioEval.Models.Onnx;
using BioEval.Models.Tests.Tiny;
using BioEval.Models.Tiny;
using Microsoft.Extensions.AI;

namespace BioEval.Models.Tests.Onnx;

/// <summary>The registry option that reproduces the reference's prompt encoding (a second BOS).</summary>
public sealed class OnnxChatClientOptionsTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private static readonly ChatMessage[] Chat = [new(ChatRole.User, "Does the patient smoke?")];

    private OnnxChatClient Client(string? addSpecialTokens)
    {
        var options = new Dictionary<string, string> { ["device"] = "cpu" };
        if (addSpecialTokens is not null) options["add_special_tokens"] = addSpecialTokens;
        return (OnnxChatClient)ModelFactory.Create(new ModelSpec("tiny", "onnx", model.Dir, options));
    }

    [Fact]
    public void AddSpecialTokensTrueSendsTheTokenizersBosBeforeTheOneTheTemplateWrites()
    {
        using var plain = Client(null);
        using var reference = Client("true");
        var single = plain.EncodePrompt(Chat);
        Assert.Equal(TinyTokenizerSpec.BosId, single[0]);
        Assert.Equal([TinyTokenizerSpec.BosId, .. single], reference.EncodePrompt(Chat));
        // Budgets count what is sent: the token counter sees the extra BOS too.
        Assert.Equal(single.Count + 1, reference.GetService<ITokenCounter>()!.CountChatTokens(Chat));
    }

    [Fact]
    public void AnyOtherValueIsRefusedNamingTheModelAndTheOption()
    {
        var e = Assert.Throws<ArgumentException>(() => Client("twice"));
        Assert.Contains("'tiny'", e.Message);
        Assert.Contains("add_special_tokens", e.Message);
    }
}
