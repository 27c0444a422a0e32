using BioEval.Harness.Datasets;
using BioEval.Harness.Prompts;
using BioEval.Harness.Protocol;
using BioEval.Models;
using Microsoft.Extensions.AI;

namespace BioEval.Harness.Tasks.LongHealth;

/// <summary>
/// Builds LongHealth's prompts as the reference's task loops and <c>create_prompt</c> do. Zero-shot: each chat is
/// [system, user]. Samples are taken in the given order (<see cref="PromptContext.Shuffled"/>, which the caller
/// passes unshuffled for this task, i.e. in file order), and few-shot settings are ignored.
/// <list type="bullet">
/// <item>Task 1: 5 prompts per question (<c>&lt;id&gt;/t1/0..4</c>), the question's answer texts (in
/// <c>answer_location</c> order) then the patient's other texts (in file order), options A–E, budget
/// <see cref="ProtocolOptions.LongHealthTask1Budget"/> minus the system prompt's tokens, or the room the context
/// leaves (below) when that is less. Expected: the gold letter.</item>
/// <item>Tasks 2 and 3: 10 iterations per question, j = 0..9. Each first draws 10 distractor texts from all other
/// patients' texts (<c>random.sample</c>), then builds one prompt with options A–F (F from the pack's
/// <c>optionF</c>) and the room the context leaves: context length minus the answer's tokens, the chat template's
/// own tokens and the system prompt's tokens. Even j is
/// task 3 (<c>&lt;id&gt;/t3/j</c>): distractors only, expected "F". Odd j is task 2 (<c>&lt;id&gt;/t2/j</c>): the
/// answer texts first, then the distractors, expected the gold letter.</item>
/// </list>
/// Packing: documents are added in order while <c>total + length ≤ budget</c> (total starting at the tokens of
/// question, options and raw template, and growing by each document plus one separator); the first document that
/// does not fit is cut to the remaining tokens with <see cref="ITokenCounter.Truncate"/> and packing stops. The
/// selected documents are then shuffled and joined with the pack's <c>documentSeparator</c>.
/// Fit: every prompt is guaranteed to fit with its answer. The chat template's tokens are measured with the model's
/// own template and tokenizer (<see cref="ITokenCounter.CountChatTokens"/> of the chat with an empty user turn, less
/// the system prompt's tokens), and each finished prompt is counted as the model will receive it; one whose tokens
/// plus the task's max new tokens exceed the context (tokens merging across the joins) is packed again with the
/// budget lowered by the excess, drawing the same random numbers, until it fits.
/// </summary>
/// <remarks>
/// Randomness: one <see cref="PythonRandom"/> seeded with <see cref="ProtocolOptions.DocumentSeed"/> serves the
/// whole build, called in the reference's order (task 1's shuffles, then per iteration of tasks 2/3 a sample and
/// a shuffle), so a build is reproducible. The reference never seeds its generator, so its document orders are
/// not reproducible and cannot be matched exactly. Deliberate deviations from the reference:
/// the fit guarantee above (the reference's over-counting leaves its prompts about 50–80 tokens of room by accident,
/// while exact counts would leave 10–15 on an 8k model, less than the template and the answer need);
/// the separator's budget share is the token count of the separator actually used (the reference counts a
/// longer string than it joins with); a cut document is plain text (the reference's cut text starts with the
/// tokenizer's literal BOS string); once the budget is spent no further (empty) document is added; token counts
/// exclude special tokens (the reference's include BOS once per counted text); an empty document list is
/// allowed (the reference would fail to unpack it); the task 1 budget is clamped to the room the context leaves.
/// <see cref="ProtocolOptions.LongHealthReserve"/> (default 0) keeps further tokens free in every prompt.
/// </remarks>
public sealed class LongHealthPromptBuilder : IBudgetedPromptBuilder
{
    public static readonly LongHealthPromptBuilder Instance = new();

    /// <summary>Task 1 prompts per question.</summary>
    public const int Task1Prompts = 5;

    /// <summary>Iterations per question of tasks 2 and 3 together (even: task 3, odd: task 2).</summary>
    public const int DistractorIterations = 10;

    /// <summary>Distractor texts drawn per task 2/3 prompt.</summary>
    public const int Distractors = 10;

    /// <summary>Pack string keys.</summary>
    public const string SeparatorKey = "documentSeparator", OptionFKey = "optionF";

    /// <summary>Field that task 2/3 samples carry the F option in.</summary>
    public const string OptionFField = "answer_f";

    /// <summary>The token budgets of one model's prompts.</summary>
    /// <param name="Limit">Most tokens a rendered prompt may have: the context less the task's max new tokens.</param>
    /// <param name="TemplateTokens">The chat template's own tokens (BOS, role headers, generation prompt).</param>
    /// <param name="SystemTokens">The system prompt's tokens.</param>
    /// <param name="Task1">Task 1's packing budget (question, options, user template and documents).</param>
    /// <param name="Tasks23">Tasks 2 and 3's packing budget.</param>
    private readonly record struct Budget(int Limit, int TemplateTokens, int SystemTokens, int Task1, int Tasks23);

    private static Budget BudgetFor(PromptContext context)
    {
        var tokens = context.Tokens ?? throw new ArgumentException("LongHealth packs its prompts to the model's context and needs the model's token counter.");
        var system = context.Pack.System ?? "";
        var systemTokens = tokens.CountTokens(system);
        List<ChatMessage> empty = [.. string.IsNullOrEmpty(system) ? [] : new[] { new ChatMessage(ChatRole.System, system) }, new(ChatRole.User, "")];
        var templateTokens = Math.Max(0, tokens.CountChatTokens(empty) - systemTokens);
        var limit = tokens.ContextLength - context.MaxNewTokens;
        var reserve = context.Options.LongHealthReserve;
        var room = limit - templateTokens - systemTokens - reserve;
        return new Budget(limit, templateTokens, systemTokens, Math.Min(context.Options.LongHealthTask1Budget - systemTokens - reserve, room), room);
    }

    public IReadOnlyDictionary<string, int> Budgets(PromptContext context)
    {
        var b = BudgetFor(context);
        return new Dictionary<string, int>
        {
            ["context_length"] = context.Tokens!.ContextLength,
            ["max_new_tokens"] = context.MaxNewTokens,
            ["prompt_limit"] = b.Limit,
            ["template_tokens"] = b.TemplateTokens,
            ["system_tokens"] = b.SystemTokens,
            ["reserve"] = context.Options.LongHealthReserve,
            ["task1_budget"] = b.Task1,
            ["task2_3_budget"] = b.Tasks23,
        };
    }

    public IReadOnlyList<EvalItem> Build(PromptContext context)
    {
        var pack = context.Pack;
        var tokens = context.Tokens ?? throw new ArgumentException("LongHealth packs its prompts to the model's context and needs the model's token counter.");
        var random = new PythonRandom(context.Options.DocumentSeed);
        var phrase = pack.String(LongHealthAnswerParser.AnswerPhraseKey);
        var packer = new Packer(tokens, pack.String(SeparatorKey), pack.User.Replace("{answer_phrase}", phrase, StringComparison.Ordinal));
        var optionF = pack.String(OptionFKey);
        var samples = context.Shuffled;
        var items = new List<EvalItem>();
        var budget = BudgetFor(context);

        // Packs with a trial copy of the generator; a prompt that does not fit is packed again with a lower budget
        // from the same state, so the draws that are kept do not depend on how many attempts it took.
        EvalItem Fitted(int documentBudget, Func<int, PythonRandom, EvalItem> make)
        {
            while (true)
            {
                var trial = random.Clone();
                var item = make(documentBudget, trial);
                var excess = tokens.CountChatTokens(item.Messages) - budget.Limit;
                if (excess <= 0 || documentBudget <= 0)
                {
                    random = trial;
                    return item;
                }
                documentBudget = Math.Max(0, documentBudget - excess);
            }
        }

        foreach (var sample in samples)
        {
            var answerDocs = AnswerTexts(sample);
            var otherDocs = Docs(sample).Where(d => !d.HoldsAnswer).Select(d => d.Text).ToList();
            var options = Options(sample, "abcde");
            for (var j = 0; j < Task1Prompts; j++)
            {
                var prompt = j;
                items.Add(Fitted(budget.Task1, (b, r) =>
                {
                    var documents = packer.Select(answerDocs, otherDocs, sample.Field("question"), options, b);
                    r.Shuffle(documents);
                    return Item(pack, sample, 1, prompt, sample.Reference, null, packer.Join(documents), options, phrase);
                }));
            }
        }

        var pools = DistractorPools(samples);
        foreach (var sample in samples)
        {
            var pool = pools[sample.Field(LongHealthLoader.PatientIdField)];
            var withF = new Dictionary<string, string>(sample.Fields) { [OptionFField] = optionF };
            var options = Options(sample with { Fields = withF }, "abcdef");
            var answerDocs = AnswerTexts(sample);
            for (var j = 0; j < DistractorIterations; j++)
            {
                var distractors = random.Sample(pool, Math.Min(Distractors, pool.Count));
                var task3 = j % 2 == 0;
                var prompt = j;
                items.Add(Fitted(budget.Tasks23, (b, r) =>
                {
                    var documents = packer.Select(task3 ? [] : answerDocs, distractors, sample.Field("question"), options, b);
                    r.Shuffle(documents);
                    return Item(pack, sample, task3 ? 3 : 2, prompt, task3 ? "F" : sample.Reference, optionF, packer.Join(documents), options, phrase);
                }));
            }
        }
        return items;
    }

    /// <summary>What <see cref="Item"/> fills besides the sample's fields.</summary>
    public IReadOnlySet<string> OwnPlaceholders { get; } = new HashSet<string> { "documents", "question", "options", "answer_phrase", LongHealthAccuracyMetric.SubtaskField, OptionFField };

    private static EvalItem Item(PromptPack pack, Sample sample, int task, int j, string expected, string? optionF,
        string documents, string options, string phrase)
    {
        var fields = new Dictionary<string, string>(sample.Fields) { [LongHealthAccuracyMetric.SubtaskField] = $"task{task}" };
        if (optionF is not null) fields[OptionFField] = optionF;
        var scored = sample with { Fields = fields, Reference = expected };
        var user = PromptPack.Fill(pack.User, scored, new Dictionary<string, string>
        {
            ["documents"] = documents,
            ["question"] = sample.Field("question"),
            ["options"] = options,
            ["answer_phrase"] = phrase,
        });
        var messages = new List<ChatMessage>();
        if (!string.IsNullOrEmpty(pack.System)) messages.Add(new ChatMessage(ChatRole.System, pack.System));
        messages.Add(new ChatMessage(ChatRole.User, user));
        return new EvalItem($"{sample.Id}/t{task}/{j}", scored, messages);
    }

    /// <summary>The option letters of a built item: a–f where it carries the F option (tasks 2 and 3), else a–e.</summary>
    public static string Letters(Sample item) => item.Fields.ContainsKey(OptionFField) ? "abcdef" : "abcde";

    /// <summary>"A: …\nB: …", one line per option letter, as the reference writes them.</summary>
    public static string Options(Sample sample, string letters) =>
        string.Join("\n", letters.Select(l => $"{char.ToUpperInvariant(l)}: {sample.Field($"answer_{l}")}"));

    private static IReadOnlyList<SampleDocument> Docs(Sample sample) =>
        sample.Documents ?? throw new ArgumentException($"LongHealth sample '{sample.Id}' has no documents.", nameof(sample));

    /// <summary>The answer texts in <c>answer_location</c> key order (the order the reference adds them in).</summary>
    private static List<string> AnswerTexts(Sample sample)
    {
        var docs = Docs(sample);
        return sample.Field(LongHealthLoader.AnswerLocationField)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(id => docs.FirstOrDefault(d => d.Id == id)?.Text
                ?? throw new ArgumentException($"LongHealth sample '{sample.Id}' names answer text '{id}' it does not have.", nameof(sample)))
            .ToList();
    }

    /// <summary>For each patient, every other patient's texts, patients and texts in file order.</summary>
    private static Dictionary<string, List<string>> DistractorPools(IReadOnlyList<Sample> samples)
    {
        var textsByPatient = new List<(string Patient, IReadOnlyList<SampleDocument> Texts)>();
        foreach (var s in samples)
        {
            var patient = s.Field(LongHealthLoader.PatientIdField);
            if (!textsByPatient.Any(p => p.Patient == patient)) textsByPatient.Add((patient, Docs(s)));
        }
        return textsByPatient.ToDictionary(
            p => p.Patient,
            p => textsByPatient.Where(o => o.Patient != p.Patient).SelectMany(o => o.Texts.Select(t => t.Text)).ToList());
    }

    /// <summary>The reference's document packing against a token budget.</summary>
    private sealed class Packer(ITokenCounter tokens, string separator, string rawTemplate)
    {
        private readonly int _separatorTokens = tokens.CountTokens(separator);
        private readonly int _templateTokens = tokens.CountTokens(rawTemplate);

        public string Join(IEnumerable<string> documents) => string.Join(separator, documents);

        public List<string> Select(IReadOnlyList<string> answerDocs, IReadOnlyList<string> otherDocs, string question, string options, int budget)
        {
            var selected = new List<string>();
            var total = tokens.CountTokens(question) + tokens.CountTokens(options) + _templateTokens;
            _ = Add(answerDocs) && Add(otherDocs);
            return selected;

            // False once the budget is spent; the document that crossed it is cut to the room that was left.
            bool Add(IReadOnlyList<string> documents)
            {
                foreach (var doc in documents)
                {
                    var length = tokens.CountTokens(doc);
                    if (total + length <= budget)
                    {
                        selected.Add(doc);
                        total += length + _separatorTokens;
                        continue;
                    }
                    var room = budget - total;
                    if (room > 0 && tokens.Truncate(doc, room) is { Length: > 0 } cut) selected.Add(cut);
                    total = budget;
                    return false;
                }
                return true;
            }
        }
    }
}
