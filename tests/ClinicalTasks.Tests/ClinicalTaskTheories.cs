namespace BioEval.ClinicalTasks.Tests;

/// <summary>
/// The benchmark: one theory per task, one row per model pair of the profile. Filter with
/// <c>dotnet test --filter Task=MedNLI</c>, <c>--filter "Pair=majority->oracle"</c> or, on the multiple-choice tasks
/// (one row per scoring mode), <c>--filter Scoring=likelihood</c>.
/// A case fails when the run breaks or a score falls below its committed snapshot.
/// </summary>
public sealed class ClinicalTaskTheories(BenchmarkFixture fixture)
{
    [Theory, Trait("Task", "MedNLI")]
    [MemberData(nameof(BenchmarkCases.ScoredPairs), "MedNLI", MemberType = typeof(BenchmarkCases))]
    public Task MedNLI(string pair, string scoring) => SnapshotGate.CheckAsync(fixture, "MedNLI", pair, scoring);

    [Theory, Trait("Task", "MeQSum")]
    [MemberData(nameof(BenchmarkCases.Pairs), MemberType = typeof(BenchmarkCases))]
    public Task MeQSum(string pair) => SnapshotGate.CheckAsync(fixture, "MeQSum", pair);

    [Theory, Trait("Task", "ProblemSummary")]
    [MemberData(nameof(BenchmarkCases.Pairs), MemberType = typeof(BenchmarkCases))]
    public Task ProblemSummary(string pair) => SnapshotGate.CheckAsync(fixture, "ProblemSummary", pair);

    [Theory, Trait("Task", "LongHealth")]
    [MemberData(nameof(BenchmarkCases.ScoredPairs), "LongHealth", MemberType = typeof(BenchmarkCases))]
    public Task LongHealth(string pair, string scoring) => SnapshotGate.CheckAsync(fixture, "LongHealth", pair, scoring);

    [Theory, Trait("Task", "MeDiSumQA")]
    [MemberData(nameof(BenchmarkCases.Pairs), MemberType = typeof(BenchmarkCases))]
    public Task MeDiSumQA(string pair) => SnapshotGate.CheckAsync(fixture, "MeDiSumQA", pair);

    [Theory, Trait("Task", "MeDiSumCode")]
    [MemberData(nameof(BenchmarkCases.Pairs), MemberType = typeof(BenchmarkCases))]
    public Task MeDiSumCode(string pair) => SnapshotGate.CheckAsync(fixture, "MeDiSumCode", pair);

    [Theory, Trait("Task", "NER")]
    [MemberData(nameof(BenchmarkCases.Pairs), MemberType = typeof(BenchmarkCases))]
    public Task NER(string pair) => SnapshotGate.CheckAsync(fixture, "NER", pair);

    [Theory, Trait("Task", "PubMedQA")]
    [MemberData(nameof(BenchmarkCases.ScoredPairs), "PubMedQA", MemberType = typeof(BenchmarkCases))]
    public Task PubMedQA(string pair, string scoring) => SnapshotGate.CheckAsync(fixture, "PubMedQA", pair, scoring);
}
