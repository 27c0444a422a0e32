using BioEval.Harness.Protocol;
using BioEval.Harness.Tasks.LongHealth;
using BioEval.Harness.Tasks.MedNLI;
using BioEval.Harness.Tasks.MeDiSumCode;
using BioEval.Harness.Tasks.MeDiSumQA;
using BioEval.Harness.Tasks.MeQSum;
using BioEval.Harness.Tasks.NER;
using BioEval.Harness.Tasks.ProblemSummary;

namespace BioEval.Harness.Tasks;

/// <summary>What task definitions may depend on besides their own folder.</summary>
/// <param name="Protocol">Protocol options (e.g. the problem-list trailing ';' option).</param>
/// <param name="IcdCodeList">The ICD-10-CM code list file for MeDiSumCode's valid-code ratio.</param>
/// <param name="PackFiles">Prompt pack files replacing a task's embedded pack, by task name.</param>
public sealed record TaskEnvironment(ProtocolOptions Protocol, string IcdCodeList, IReadOnlyDictionary<string, string>? PackFiles = null)
{
    /// <summary>The run's model-based metric resources (BERTScore's encoder); none when null.</summary>
    public Metrics.MetricResources? Resources { get; init; }

    /// <summary>The tasks whose data is restricted (under a data use agreement); the catalogue's default when null.</summary>
    public IReadOnlySet<string>? RestrictedTasks { get; init; }

    /// <summary>
    /// The pack a task uses: the user's file where one is given, else the embedded default. Parsers that read pack
    /// strings (LongHealth's answer phrase, NER's "none" word) take them from this same pack, so a pack with other
    /// wording is parsed by its own rules.
    /// </summary>
    public Prompts.PromptPack Pack(string task) =>
        PackFiles is not null && PackFiles.TryGetValue(task, out var file)
            ? Prompts.PromptPack.FromFile(file)
            : Prompts.PromptPack.Default(task);
}

/// <summary>
/// Every task BioEval knows, in report order: the six CLUE tasks, then NER. Adding a task adds one line here.
/// Definitions are created only when selected, so a task's requirements (e.g. MeDiSumCode's code list) bind only
/// runs that include it.
/// </summary>
public static class TaskCatalog
{
    private static readonly (string Name, Func<TaskEnvironment, TaskDefinition> Create)[] Entries =
    [
        (MedNLITask.Name, MedNLITask.Create),
        (MeQSumTask.Name, MeQSumTask.Create),
        (ProblemSummaryTask.Name, ProblemSummaryTask.Create),
        (LongHealthTask.Name, LongHealthTask.Create),
        (MeDiSumQATask.Name, MeDiSumQATask.Create),
        (MeDiSumCodeTask.Name, MeDiSumCodeTask.Create),
        (NerTask.Name, NerTask.Create),
        (Tasks.PubMedQA.PubMedQaTask.Name, Tasks.PubMedQA.PubMedQaTask.Create),
    ];

    /// <summary>The MIMIC-derived tasks, restricted unless a profile says otherwise (PhysioNet data use agreements).</summary>
    public static readonly IReadOnlySet<string> DefaultRestricted = new HashSet<string>(StringComparer.Ordinal)
    {
        MedNLITask.Name, ProblemSummaryTask.Name, MeDiSumQATask.Name, MeDiSumCodeTask.Name,
    };

    /// <summary>
    /// The multiple-choice tasks (their definitions declare <see cref="TaskDefinition.Choices"/>): scored by generation,
    /// likelihood or both, the left side of the reports' "multiple choice vs clinical generation" section.
    /// </summary>
    public static readonly IReadOnlySet<string> MultipleChoice = new HashSet<string>(StringComparer.Ordinal)
    {
        MedNLITask.Name, LongHealthTask.Name, Tasks.PubMedQA.PubMedQaTask.Name,
    };

    /// <summary>
    /// The generative clinical tasks of the study (free text or codes written from clinical notes): the section's right
    /// side. NER (disease mentions in PubMed abstracts) is generative but not clinical, and stays out of it.
    /// </summary>
    public static readonly IReadOnlySet<string> ClinicalGeneration = new HashSet<string>(StringComparer.Ordinal)
    {
        MeQSumTask.Name, ProblemSummaryTask.Name, MeDiSumQATask.Name, MeDiSumCodeTask.Name,
    };

    /// <summary>The names of the known tasks, in report order.</summary>
    public static IReadOnlyList<string> Names => [.. Entries.Select(e => e.Name)];

    /// <summary>Every task.</summary>
    public static IReadOnlyList<TaskDefinition> All(TaskEnvironment env) => [.. Entries.Select(e => Create(e, env))];

    private static TaskDefinition Create((string Name, Func<TaskEnvironment, TaskDefinition> Create) entry, TaskEnvironment env) =>
        entry.Create(env) with { Restricted = (env.RestrictedTasks ?? DefaultRestricted).Contains(entry.Name) };

    /// <summary>The tasks named in <paramref name="names"/> (all when null or empty); an unknown name lists the known ones.</summary>
    public static IReadOnlyList<TaskDefinition> Select(TaskEnvironment env, IReadOnlyList<string>? names)
    {
        if (names is null || names.Count == 0) return All(env);
        return [.. names.Select(n => Entries.FirstOrDefault(e => string.Equals(e.Name, n, StringComparison.OrdinalIgnoreCase)) is { Name: not null } e
            ? Create(e, env)
            : throw new ArgumentException($"Unknown task '{n}'. Known tasks: {string.Join(", ", Names)}."))];
    }
}
