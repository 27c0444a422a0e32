using BioEval.Harness.Runs;

[assembly: AssemblyFixture(typeof(BioEval.ClinicalTasks.Tests.BenchmarkFixture))]

namespace BioEval.ClinicalTasks.Tests;

/// <summary>
/// The benchmark run shared by every case of the test run: the profile comes from the .runsettings file
/// (BIOEVAL_* environment variables), models load once, each (task, model) result is computed once, and
/// when the run ends results.json, predictions.jsonl and report.md are written to the profile's output folder.
/// </summary>
public sealed class BenchmarkFixture : IAsyncDisposable
{
    private readonly Lazy<BenchmarkSession> _session = new(() => new BenchmarkSession(RunProfile.FromEnvironment()));

    public BenchmarkSession Session => _session.Value;

    public async ValueTask DisposeAsync()
    {
        if (!_session.IsValueCreated) return;
        if (Session.CompletedResults().Count > 0) Session.Write();
        await Session.DisposeAsync();
    }
}
