using BioEval.Harness.Protocol;

namespace BioEval.Harness.Tasks;

/// <summary>What task definitions may depend on besides their own folder.</summary>
/// <param name="Protocol">Protocol options (e.g. the problem-list trailing ';' option).</param>
/// <param name="IcdCodeList">The ICD-10-CM code list file for MeDiSumCode's valid-code ratio.</param>
public sealed record TaskEnvironment(ProtocolOptions Protocol, string IcdCodeList);

/// <summary>Every task BioEval knows, in report order. Adding a task adds one line here.</summary>
public static class TaskCatalog
{
    public static IReadOnlyList<TaskDefinition> All(TaskEnvironment env) =>
    [
        NER.NerTask.Create(env),
    ];

    /// <summary>The names of the known tasks.</summary>
    public static IReadOnlyList<string> Names(TaskEnvironment env) => [.. All(env).Select(t => t.Name)];

    /// <summary>The tasks named in <paramref name="names"/> (all when null); an unknown name lists the known ones.</summary>
    public static IReadOnlyList<TaskDefinition> Select(TaskEnvironment env, IReadOnlyList<string>? names)
    {
        var all = All(env);
        if (names is null || names.Count == 0) return all;
        return names.Select(n => all.FirstOrDefault(t => string.Equals(t.Name, n, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown task '{n}'. Known tasks: {string.Join(", ", all.Select(t => t.Name))}.")).ToList();
    }
}
