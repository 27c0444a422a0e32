using BioEval.Harness.Gates;
using BioEval.Harness.Runs;

namespace BioEval.ClinicalTasks.Tests;

/// <summary>
/// Runs both models of a pair on a task and holds each score against its committed snapshot
/// (tests/ClinicalTasks.Tests/Snapshots/&lt;profile&gt;/&lt;task&gt;.json). BIOEVAL_ACCEPT=1 records the
/// current scores instead of checking them.
/// </summary>
public static class SnapshotGate
{
    public static async Task CheckAsync(BenchmarkFixture fixture, string task, string pairName)
    {
        var session = fixture.Session;
        var pair = session.Registry.Pairs.Single(p => p.Name == pairName);
        var definition = session.Task(task);
        var ct = TestContext.Current.CancellationToken;
        var snapshot = new ScoreSnapshot(Path.Combine(RepoPaths.Root(), "tests", "ClinicalTasks.Tests", "Snapshots", session.Profile.Name, task + ".json"));
        var accept = Environment.GetEnvironmentVariable("BIOEVAL_ACCEPT") is "1" or "true";
        var problems = new List<string>();

        foreach (var model in new[] { pair.Base, pair.Bio })
        {
            var result = await session.ResultAsync(task, model, ct);
            TestContext.Current.TestOutputHelper?.WriteLine($"{task} / {model}: {ScoreSnapshot.Format(result.Scores)} ({result.Samples} samples, {result.Backend})");
            if (accept)
            {
                snapshot.Accept(model, result.Scores);
                continue;
            }
            var expected = snapshot.Scores(model);
            if (expected is null)
            {
                if (session.Profile.RequireSnapshots)
                    problems.Add($"{model}: no snapshot in {snapshot.Path}; record one with BIOEVAL_ACCEPT=1 dotnet test --filter Task={task}");
                continue;
            }
            problems.AddRange(ScoreSnapshot.Declines(model, expected, result.Scores, definition.MetricOutputs, session.Profile.Tolerance).Select(d => d.ToString()));
        }
        Assert.True(problems.Count == 0, $"{task}, pair {pairName}:\n" + string.Join("\n", problems));
    }
}
