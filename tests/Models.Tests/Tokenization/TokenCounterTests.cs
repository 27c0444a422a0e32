using BioEval.Models.Tokenization;

namespace BioEval.Models.Tests.Tokenization;

public sealed class TokenCounterTests
{
    [Fact]
    public void CountsTokensWithoutSpecialTokens()
    {
        using var files = new TinyByteLevelTokenizer(configExtra: """, "add_bos_token": true""");
        var counter = new TokenCounter(HfTokenizer.FromDirectory(files.Dir), contextLength: 2048);
        Assert.Equal(4, counter.CountTokens("abc ab!")); // abc, Ġ, ab, !
        Assert.Equal(2048, counter.ContextLength);
    }

    [Theory]
    [InlineData(0, "")]
    [InlineData(1, "abc")]
    [InlineData(2, "abc ")]
    [InlineData(3, "abc ab")]
    [InlineData(4, "abc ab!")]
    [InlineData(9, "abc ab!")]
    public void TruncateKeepsTheTextOfTheFirstTokens(int maxTokens, string expected)
    {
        using var files = new TinyByteLevelTokenizer();
        var counter = new TokenCounter(HfTokenizer.FromDirectory(files.Dir), contextLength: 2048);
        Assert.Equal(expected, counter.Truncate("abc ab!", maxTokens));
    }

    [Theory]
    [InlineData("tokenizer-llama3")]
    [InlineData("tokenizer-llama2")]
    public void TruncatedTextIsAPrefixThatFitsTheBudget(string package)
    {
        var tokenizer = ReferenceTokenizers.Load(ReferenceTokenizers.PackageDir(package));
        var counter = new TokenCounter(tokenizer, contextLength: 4096);
        const string text = "Café 中文病历 😀 BP 120/80 mmHg <s> metoprolol 25 mg PO BID<|eot_id|> α-synuclein 1234567";
        var total = counter.CountTokens(text);
        for (var n = 0; n <= total; n++)
        {
            var cut = counter.Truncate(text, n);
            Assert.StartsWith(cut, text, StringComparison.Ordinal);
            Assert.True(counter.CountTokens(cut) <= n, $"{n}: {cut}");
        }
        Assert.Equal(text, counter.Truncate(text, total));
    }
}
