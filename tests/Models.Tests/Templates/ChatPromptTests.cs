using System.Text.Json.Nodes;
using BioEval.Models.Templates;
using BioEval.Models.Tests.Tokenization;
using BioEval.Models.Tokenization;
using BioEval.TestSupport;
using Microsoft.Extensions.AI;

namespace BioEval.Models.Tests.Templates;

/// <summary>
/// What a model is sent for a chat: one BOS by default (the template writes it), two with the reference's encoding
/// (vLLM 0.6.6's <c>LLM.chat</c> also let the tokenizer add its BOS).
/// </summary>
public sealed class ChatPromptTests
{
    private static readonly ChatMessage[] Chat = [new(ChatRole.System, "Be brief."), new(ChatRole.User, "Does the patient smoke?")];

    private static string MistralStyleTemplate => Path.Combine(Repository.Root, "tests", "Models.Tests", "Templates", "Fixtures", "mistral-style.tokenizer_config.json");

    [Fact]
    public void AMistralPromptStartsWithOneBosByDefaultAndTwoWithTheReferencesEncoding()
    {
        // The Mistral 7B v0.1 tokenizer adds <s> (id 1) when asked; the template writes <s> itself.
        var tokenizer = ReferenceTokenizers.Load(ReferenceTokenizers.PackageDir("tokenizer-llama2"));
        var template = ChatTemplate.FromTokenizerConfig(MistralStyleTemplate);
        ChatMessage[] chat = [new(ChatRole.User, "Does the patient smoke?")]; // Mistral's template takes no system turn
        var single = new ChatPrompt(tokenizer, template).Encode(chat);
        var reference = new ChatPrompt(tokenizer, template, addSpecialTokens: true).Encode(chat);

        Assert.StartsWith("<s>", new ChatPrompt(tokenizer, template).Render(chat));
        Assert.Equal(1, single[0]);
        Assert.NotEqual(1, single[1]);
        Assert.Equal([1, .. single], reference);
    }

    [Fact]
    public void ALlama3PromptWithMetasTemplateProcessingGetsTwoBeginOfTextTokensWithTheReferencesEncoding()
    {
        // Meta's current files add <|begin_of_text|> in their post-processor (see ReferenceTokenizers.Llama3BeginOfText).
        var source = ReferenceTokenizers.PackageDir("tokenizer-llama3");
        using var altered = new RustTokenizers.Altered(Path.Combine(source, "tokenizer.json"), json => json["post_processor"] = JsonNode.Parse(ReferenceTokenizers.Llama3BeginOfText));
        File.Copy(Path.Combine(source, "tokenizer_config.json"), Path.Combine(altered.Dir, "tokenizer_config.json"));
        var tokenizer = HfTokenizer.FromDirectory(altered.Dir);
        var template = ChatTemplate.FromTokenizerConfig(Path.Combine(altered.Dir, "tokenizer_config.json"));

        var single = new ChatPrompt(tokenizer, template).Encode(Chat);
        var reference = new ChatPrompt(tokenizer, template, addSpecialTokens: true).Encode(Chat);
        Assert.Equal([128000, 128006], single.Take(2));
        Assert.Equal([128000, 128000, 128006], reference.Take(3));
        Assert.Equal(single.Count + 1, reference.Count);
    }
}
