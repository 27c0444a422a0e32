using BioEval.Harness.Registry;
using BioEval.Harness.Runs;
using BioEval.Harness.Tasks;

namespace BioEval.ClinicalTasks.Tests;

/// <summary>The theory rows of a task: one per model pair of the selected profile, each with a Pair trait.</summary>
public static class BenchmarkCases
{
    private static readonly Lazy<RunProfile> Profile = new(RunProfile.FromEnvironment);
    private static readonly Lazy<ModelRegistry> Registry = new(() => ModelRegistry.Load(Profile.Value.ModelsFile));

    public static IEnumerable<TheoryDataRow<string>> Pairs() =>
        Registry.Value.Pairs.Select(p => new TheoryDataRow<string>(p.Name).WithTrait("Pair", p.Name));

    /// <summary>
    /// The rows of a multiple-choice task: one per pair and scoring mode the profile asks of it (BIOEVAL_SCORING, else the
    /// task's default), each with Pair and Scoring traits (<c>--filter Scoring=likelihood</c>).
    /// </summary>
    public static IEnumerable<TheoryDataRow<string, string>> ScoredPairs(string task)
    {
        var profile = Profile.Value;
        var definition = TaskCatalog.Select(new TaskEnvironment(profile.Protocol, profile.IcdCodeList), [task])[0];
        return Registry.Value.Pairs.SelectMany(p => definition.Modes(profile.Scoring).Select(m => ScoringModes.Name(m)).Select(m =>
            new TheoryDataRow<string, string>(p.Name, m).WithTrait("Pair", p.Name).WithTrait("Scoring", m)));
    }

}
