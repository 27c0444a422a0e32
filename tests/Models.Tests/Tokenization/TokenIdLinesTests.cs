using BioEval.Models.Tokenization;

namespace BioEval.Models.Tests.Tokenization;

public sealed class TokenIdLinesTests
{
    [Theory]
    [InlineData("abc\n\n ab\n", new[] { "abc", "", " ab" })]
    [InlineData("abc\r\nab", new[] { "abc", "ab" })]
    [InlineData("\n", new[] { "" })]
    [InlineData("", new string[0])]
    public void EachLineWithoutItsTerminatorIsACase(string content, string[] expected)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, content);
            Assert.Equal(expected, TokenIdLines.ReadCases(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void EveryCaseGivesOneCompactJsonLineEvenWhenEmpty()
    {
        using var files = new TinyByteLevelTokenizer(configExtra: """, "add_bos_token": true""");
        var tokenizer = HfTokenizer.FromDirectory(files.Dir);
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "abc ab!\n\n");
            Assert.Equal(["{\"ids\":[6,3,4,8]}", "{\"ids\":[]}"], TokenIdLines.Encode(tokenizer, path, addSpecialTokens: false));
            Assert.Equal(["{\"ids\":[9,6,3,4,8]}", "{\"ids\":[9]}"], TokenIdLines.Encode(tokenizer, path, addSpecialTokens: true));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AMissingInputFileIsReportedByPath()
    {
        var missing = Path.Combine(Path.GetTempPath(), "bioeval-no-such-cases.txt");
        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => TokenIdLines.ReadCases(missing)).Message);
    }
}
