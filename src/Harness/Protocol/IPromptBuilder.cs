using BioEval.Harness.Datasets;
using BioEval.Harness.Prompts;
using BioEval.Models;

namespace BioEval.Harness.Protocol;

/// <summary>What a prompt builder gets: the samples already in the reference's shuffled order.</summary>
/// <param name="Shuffled">All samples, shuffled with the protocol seed.</param>
/// <param name="FewShot">How many leading samples become few-shot examples.</param>
/// <param name="Pack">The prompt wording.</param>
/// <param name="Tokens">The model's token counter, for builders that pack to a token budget; null where the backend
/// cannot count tokens (only tasks with <see cref="Tasks.TaskDefinition.NeedsTokenCounter"/> require one).</param>
/// <param name="Options">Protocol options of the run.</param>
/// <param name="MaxNewTokens">The task's answer length, which a prompt packed to the context must leave room for.</param>
public sealed record PromptContext(
    IReadOnlyList<Sample> Shuffled,
    int FewShot,
    PromptPack Pack,
    ITokenCounter? Tokens,
    ProtocolOptions Options,
    int MaxNewTokens = 0);

/// <summary>Turns shuffled samples into the chats that are sent to a model.</summary>
public interface IPromptBuilder
{
    /// <summary>The items to evaluate, in evaluation order (before any sample limit is applied).</summary>
    IReadOnlyList<EvalItem> Build(PromptContext context);

    /// <summary>Placeholders this builder fills itself, besides the sample's fields and <c>{reference}</c>.</summary>
    IReadOnlySet<string> OwnPlaceholders => new HashSet<string>();

    /// <summary>
    /// Why <paramref name="samples"/> (all of a dataset file) cannot make this task's prompts, or null: by default, the
    /// first <paramref name="fewShot"/> become few-shot examples, so at least one more must remain to evaluate.
    /// </summary>
    string? Shortfall(IReadOnlyList<Sample> samples, int fewShot, string file) =>
        samples.Count == 0 ? $"{file}: the dataset holds no samples."
        : samples.Count < fewShot + 1 ? $"{file}: {samples.Count} sample(s), but the task takes {fewShot} few-shot example(s) from them and needs at least one more to evaluate."
        : null;
}

/// <summary>A builder that packs prompts to token budgets: it names the budgets it uses, for results.json.</summary>
public interface IBudgetedPromptBuilder : IPromptBuilder
{
    /// <summary>The budgets <see cref="IPromptBuilder.Build"/> uses for this model, by name (in tokens).</summary>
    IReadOnlyDictionary<string, int> Budgets(PromptContext context);
}
