using System.Text.Json;
using BioEval.Models.Templates;
using BioEval.TestSupport;

namespace BioEval.Models.Tests.Templates;

/// <summary>
/// Renders the same conversations with our interpreter and with @huggingface/jinja (tools/reference/render.mjs)
/// and requires identical text, or an error on both sides (with the same message when the template raised).
/// </summary>
public sealed class TemplateParityTests
{
    static string ConfigPath(string name) => name == "llama3-package"
        ? Path.Combine(Repository.ReferenceModules, "@lenml", "tokenizer-llama3", "models", "tokenizer_config.json")
        : Path.Combine(Repository.Root, "tests", "Models.Tests", "Templates", "Fixtures", $"{name}.tokenizer_config.json");

    [Theory]
    [InlineData("llama3-package")]
    [InlineData("mistral-style")]
    [InlineData("gemma-style")]
    [InlineData("rich-style")]
    public void RenderingMatchesHuggingFaceJinja(string templateName)
    {
        var jinja = Path.Combine(Repository.ReferenceModules, "@huggingface", "jinja");
        if (!Directory.Exists(jinja)) Assert.Skip("@huggingface/jinja is not installed: run tools/reference/fetch.sh");
        var config = ConfigPath(templateName);
        if (!File.Exists(config)) Assert.Skip($"{config} is absent: run tools/reference/fetch.sh");
        var conversationsPath = Path.Combine(Repository.Root, "tests", "Models.Tests", "Templates", "Fixtures", "conversations.json");

        var reference = NodeScript.Run("render.mjs", [config, conversationsPath], "the chat-template parity tests")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var template = ChatTemplate.FromTokenizerConfig(config);
        var conversations = ChatConversationsFile.Load(conversationsPath);
        Assert.Equal(conversations.Count, reference.Length);

        for (var i = 0; i < conversations.Count; i++)
        {
            using var expected = JsonDocument.Parse(reference[i]);
            string? text = null;
            TemplateException? error = null;
            try { text = template.RenderChat(conversations[i], addGenerationPrompt: true); }
            catch (TemplateException e) { error = e; }

            if (expected.RootElement.TryGetProperty("text", out var expectedText))
            {
                Assert.True(error is null, $"{templateName} conversation {i}: reference rendered, we failed: {error?.Message}");
                Assert.Equal(expectedText.GetString(), text);
            }
            else
            {
                var expectedError = expected.RootElement.GetProperty("error").GetString();
                Assert.True(error is not null, $"{templateName} conversation {i}: reference failed ({expectedError}), we rendered: {text}");
                if (error.RaisedByTemplate) Assert.Equal(expectedError, error.Message);
            }
        }
    }
}
