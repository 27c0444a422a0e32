using BioEval.Models.Tokenization;
using Microsoft.Extensions.AI;

namespace BioEval.Models.Templates;

/// <summary>
/// How a chat becomes the token ids a model is sent: rendered with the model's own chat template with the generation
/// prompt (as transformers' <c>apply_chat_template</c> and vLLM's chat API do), then encoded. By default the text is
/// encoded without adding special tokens, since the template writes them itself. <paramref name="addSpecialTokens"/>
/// reproduces the reference's input instead: its vLLM 0.6.6 <c>LLM.chat</c> encoded the rendered text with
/// <c>add_special_tokens=True</c> (vLLM issue #9519, fixed by PR #16081), so templates that write BOS (Llama 3,
/// Mistral, Gemma) got it twice. Every count of "what the model sees" goes through here, so budgets and the engine agree.
/// </summary>
public sealed class ChatPrompt(HfTokenizer tokenizer, ChatTemplate template, bool addSpecialTokens = false)
{
    /// <summary>The model's tokenizer.</summary>
    public HfTokenizer Tokenizer { get; } = tokenizer;

    /// <summary>Whether the tokenizer adds its special tokens (BOS) to the rendered text, as the reference's vLLM did.</summary>
    public bool AddSpecialTokens { get; } = addSpecialTokens;

    /// <summary>The exact text of the chat (chat template, generation prompt added).</summary>
    public string Render(IEnumerable<ChatMessage> messages) =>
        template.RenderChat([.. messages.Select(m => (m.Role.Value, m.Text))], addGenerationPrompt: true);

    /// <summary>The token ids sent for the chat.</summary>
    public IReadOnlyList<int> Encode(IEnumerable<ChatMessage> messages) => Tokenizer.Encode(Render(messages), AddSpecialTokens);
}
