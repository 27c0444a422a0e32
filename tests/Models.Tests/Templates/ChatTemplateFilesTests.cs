using System.Text.Json;
using BioEval.Models.Templates;

namespace BioEval.Models.Tests.Templates;

public sealed class ChatTemplateFilesTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("bioeval-templates-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void TokenizerConfigSuppliesTheDefaultTemplateAndSpecialTokens()
    {
        var config = Write("tokenizer_config.json", """
            {
              "bos_token": {"content": "<s>", "lstrip": false},
              "eos_token": "</s>",
              "pad_token": null,
              "add_bos_token": true,
              "chat_template": [
                {"name": "tool_use", "template": "wrong"},
                {"name": "default", "template": "{{ bos_token }}{% for m in messages %}{{ m.content }}{{ eos_token }}{% endfor %}{{ pad_token is none }}{{ tools is none }}"}
              ]
            }
            """);
        var template = ChatTemplate.FromTokenizerConfig(config);
        Assert.Equal("<s>hi</s>FalseTrue", template.RenderChat([("user", "hi")], addGenerationPrompt: true));
        Assert.Equal("<s>", template.DefaultVariables["bos_token"]);
        Assert.False(template.DefaultVariables.ContainsKey("pad_token"));
    }

    [Theory]
    [InlineData("""{"bos_token": "<s>"}""", "no 'chat_template'")]
    [InlineData("""{"chat_template": [{"name": "rag", "template": "x"}]}""", "default")]
    [InlineData("""{"chat_template": 3}""", "must be a string")]
    [InlineData("""{"chat_template": "{% if x %}"}""", "endif")]
    [InlineData("""not json""", "not valid JSON")]
    public void BadTokenizerConfigsNameTheFileAndProblem(string json, string fragment)
    {
        var config = Write("tokenizer_config.json", json);
        var e = Assert.ThrowsAny<Exception>(() => ChatTemplate.FromTokenizerConfig(config));
        Assert.Contains(config, e.Message);
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void ConversationsFileKeepsOrderAndExtraFields()
    {
        var conversations = ChatConversationsFile.Parse("""
            [[{"role": "system", "content": "s"}, {"role": "user", "content": "u", "name": "n"}], [{"role": "user", "content": "x"}]]
            """, "c.json");
        Assert.Equal(2, conversations.Count);
        Assert.Equal("user", conversations[0][1]["role"]);
        Assert.Equal("n", conversations[0][1]["name"]);
        Assert.Equal("x", conversations[1][0]["content"]);
    }

    [Theory]
    [InlineData("""{"a": 1}""", "c.json: expected a JSON array of conversations")]
    [InlineData("""[{"role": "user"}]""", "c.json: conversation 0 must be an array")]
    [InlineData("""[[], [{"role": "user"}]]""", "c.json: conversation 1, message 0: 'content' is missing")]
    [InlineData("""[[{"role": 5, "content": "x"}]]""", "c.json: conversation 0, message 0: 'role' must be a string")]
    [InlineData("""[[""", "c.json: not valid JSON")]
    public void BadConversationsFilesNameTheConversationAndMessage(string json, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => ChatConversationsFile.Parse(json, "c.json"));
        Assert.StartsWith(expected, e.Message);
    }

    [Fact]
    public void BatchRenderingReportsRaisedErrorsAsDataLines()
    {
        var template = ChatTemplate.Parse("{% if messages[0].role != 'user' %}{{ raise_exception('user first') }}{% endif %}[{{ messages[0].content }}]");
        var ok = template.TryRenderChat(ChatTemplate.ToMessages([("user", "é \"q\" 🙂\n")]), true);
        var bad = template.TryRenderChat(ChatTemplate.ToMessages([("system", "s")]), true);
        Assert.Equal("{\"text\":\"[é \\\"q\\\" 🙂\\n]\"}", ok.ToJsonLine());
        Assert.Equal("{\"error\":\"user first\"}", bad.ToJsonLine());
        Assert.Equal("[é \"q\" 🙂\n]", JsonDocument.Parse(ok.ToJsonLine()).RootElement.GetProperty("text").GetString());
    }
}
