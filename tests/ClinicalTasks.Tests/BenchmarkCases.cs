using BioEval.Harness.Registry;
using BioEval.Harness.Runs;

namespace BioEval.ClinicalTasks.Tests;

/// <summary>The theory rows of a task: one per model pair of the selected profile, each with a Pair trait.</summary>
public static class BenchmarkCases
{
    private static readonly Lazy<ModelRegistry> Registry = new(() => ModelRegistry.Load(RunProfile.FromEnvironment().ModelsFile));

    public static IEnumerable<TheoryDataRow<string>> Pairs() =>
        Registry.Value.Pairs.Select(p => new TheoryDataRow<string>(p.Name).WithTrait("Pair", p.Name));
}
