using System.Text.Json.Serialization;

namespace BioEval.Harness.Tasks;

/// <summary>How a model's answer to a multiple-choice item is obtained.</summary>
public enum ScoringMode
{
    /// <summary>The model generates an answer, which the task's parser reads (the reference's protocol for the CLUE tasks).</summary>
    [JsonStringEnumMemberName("generate")] Generate,

    /// <summary>
    /// No generation: each option's answer is scored by its log-probability after the prompt, and the most likely is the
    /// model's answer (the classic multiple-choice protocol of lm-evaluation-harness).
    /// </summary>
    [JsonStringEnumMemberName("likelihood")] Likelihood,
}

/// <summary>Which scoring modes a run asks of its multiple-choice tasks (<c>--scoring</c>, BIOEVAL_SCORING).</summary>
public enum ScoringSelection
{
    Generate,
    Likelihood,
    Both,
}

/// <summary>Names and labels of the scoring modes.</summary>
public static class ScoringModes
{
    /// <summary>The values <c>--scoring</c> takes.</summary>
    public static readonly IReadOnlyDictionary<string, ScoringSelection> Choices = new Dictionary<string, ScoringSelection>
    {
        ["generate"] = ScoringSelection.Generate, ["likelihood"] = ScoringSelection.Likelihood, ["both"] = ScoringSelection.Both,
    };

    /// <summary>The modes a selection runs, generation first.</summary>
    public static IReadOnlyList<ScoringMode> Modes(ScoringSelection selection) => selection switch
    {
        ScoringSelection.Generate => [ScoringMode.Generate],
        ScoringSelection.Likelihood => [ScoringMode.Likelihood],
        _ => [ScoringMode.Generate, ScoringMode.Likelihood],
    };

    /// <summary>The mode's name as files and traits write it: "generate" or "likelihood".</summary>
    public static string Name(ScoringMode mode) => mode == ScoringMode.Likelihood ? "likelihood" : "generate";

    /// <summary>How reports and messages name a task in a mode: the task alone when generated, "PubMedQA (likelihood)" otherwise.</summary>
    public static string Label(string task, ScoringMode mode) => mode == ScoringMode.Generate ? task : $"{task} ({Name(mode)})";
}
