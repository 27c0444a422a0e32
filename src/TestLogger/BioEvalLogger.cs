using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Client;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Logging;

namespace BioEval.TestLogger;

/// <summary>
/// <c>dotnet test --logger bioeval</c>: when the test run ends, prints one table of verdicts per task (pair, base,
/// bio, Δ, 95% CI, p, verdict) from the results.json each benchmark case names in its output, and the paths of the
/// reports. It reads the results contract and its verdicts, and decides nothing itself. TRX and JUnit loggers keep
/// working beside it.
/// </summary>
[FriendlyName(FriendlyName)]
[ExtensionUri(Uri)]
public sealed class BioEvalLogger : ITestLoggerWithParameters
{
    public const string FriendlyName = "bioeval";
    public const string Uri = "logger://bioeval";

    private readonly Lock _gate = new();
    private readonly SortedSet<string> _resultFiles = new(StringComparer.Ordinal);
    private TextWriter _output = Console.Out;

    public void Initialize(TestLoggerEvents events, string testRunDirectory) => Subscribe(events);

    /// <summary>Parameter <c>output</c> writes the tables to a file instead of the console (for tests of the logger).</summary>
    public void Initialize(TestLoggerEvents events, Dictionary<string, string?> parameters)
    {
        if (parameters.TryGetValue("output", out var path) && !string.IsNullOrEmpty(path)) _output = new StreamWriter(path, append: false) { AutoFlush = true };
        Subscribe(events);
    }

    private void Subscribe(TestLoggerEvents events)
    {
        events.TestResult += (_, e) => Collect(e.Result);
        events.TestRunComplete += (_, _) => Complete();
    }

    private void Collect(TestResult result)
    {
        foreach (var message in result.Messages)
            foreach (var file in VerdictTables.ResultFiles(message.Text))
                lock (_gate) _resultFiles.Add(file);
    }

    private void Complete()
    {
        string[] files;
        lock (_gate) files = [.. _resultFiles];
        foreach (var file in files) _output.Write(VerdictTables.Render(file));
        if (!ReferenceEquals(_output, Console.Out)) _output.Dispose();
    }
}
