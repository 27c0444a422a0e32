using BioEval.Harness.Gates;
using BioEval.Harness.Results;
using BioEval.Harness.Runs;
using BioEval.Harness.Tasks;
using BioEval.TestLogger;

namespace BioEval.ClinicalTasks.Tests;

/// <summary>
/// Runs both models of a pair on a task and applies the profile's gate (BIOEVAL_GATE) to the case:
/// <list type="bullet">
/// <item><c>regression</c> (default): each score is held against its committed snapshot
/// (tests/ClinicalTasks.Tests/Snapshots/&lt;profile&gt;/&lt;task&gt;.json);</item>
/// <item><c>decline</c>: fails when the biomedical model is significantly worse on a headline metric;</item>
/// <item><c>noninferiority</c>: fails unless the improvement's interval stays above −BIOEVAL_MARGIN;</item>
/// <item><c>report</c>: never fails on results.</item>
/// </list>
/// The verdicts come from the session's comparisons of every selected task (the family they are adjusted within).
/// BIOEVAL_ACCEPT=1 records the current scores as snapshots instead of checking them.
/// </summary>
public static class SnapshotGate
{
    public static Task CheckAsync(BenchmarkFixture fixture, string task, string pairName) => CheckAsync(fixture, task, pairName, ScoringModes.Name(ScoringMode.Generate));

    /// <summary>
    /// The case of one pair on a task in one scoring mode (a multiple-choice task scored by likelihood has its own
    /// snapshot, <c>&lt;task&gt;.likelihood.json</c>, and its own verdicts).
    /// </summary>
    public static async Task CheckAsync(BenchmarkFixture fixture, string task, string pairName, string scoring)
    {
        var session = fixture.Session;
        var pair = session.Registry.Pairs.Single(p => p.Name == pairName);
        var definition = session.Task(task);
        var mode = scoring == ScoringModes.Name(ScoringMode.Likelihood) ? ScoringMode.Likelihood : ScoringMode.Generate;
        var ct = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper;
        var file = mode == ScoringMode.Generate ? task + ".json" : $"{task}.{scoring}.json";
        var snapshot = new ScoreSnapshot(Path.Combine(RepoPaths.Root(), "tests", "ClinicalTasks.Tests", "Snapshots", session.Profile.Name, file));
        var accept = Environment.GetEnvironmentVariable("BIOEVAL_ACCEPT") is "1" or "true";
        var declines = new List<ScoreDecline>();
        var missing = new List<string>();

        foreach (var model in new[] { pair.Base, pair.Bio })
        {
            var result = await session.ResultAsync(task, mode, model, ct);
            output?.WriteLine($"{result.Label} / {model}: {ScoreSnapshot.Format(result.Scores)} ({result.Samples} samples, {result.Backend})");
            if (accept)
            {
                snapshot.Accept(model, result.Scores);
                continue;
            }
            if (session.Profile.Gate != GateMode.Regression) continue;
            var expected = snapshot.Scores(model);
            if (expected is null)
            {
                if (session.Profile.RequireSnapshots)
                    missing.Add($"{model}: no snapshot in {snapshot.Path}; record one with BIOEVAL_ACCEPT=1 dotnet test --filter Task={task}");
                continue;
            }
            declines.AddRange(ScoreSnapshot.Declines(model, expected, result.Scores, definition.MetricOutputs, session.Profile.Tolerance));
        }
        // The bioeval test logger collects this line and prints the run's verdict tables when the test run ends
        // (the fixture writes results.json there before the test host exits).
        output?.WriteLine(VerdictTables.Marker + Path.Combine(session.Profile.OutputDir, "results.json"));
        if (accept) return;

        IReadOnlyList<PairComparison> comparisons = [];
        if (session.Profile.Gate is GateMode.Decline or GateMode.NonInferiority)
        {
            comparisons = [.. (await session.ComparisonsAsync(ct)).Where(c => c.Task == task && c.Scoring == mode && c.Base == pair.Base && c.Bio == pair.Bio)];
            foreach (var c in comparisons) output?.WriteLine($"{c.Metric}: {c.Verdict.Reason}");
        }
        var decision = PairGate.Evaluate(session.Profile.Gate, session.Profile.Margin, comparisons, declines,
            Path.Combine(session.Profile.OutputDir, "predictions.jsonl"));
        var problems = missing.Concat(decision.Problems).ToList();
        Assert.True(problems.Count == 0, $"{ScoringModes.Label(task, mode)}, pair {pairName} (gate {session.Profile.Gate}):\n" + string.Join("\n", problems));
    }
}
