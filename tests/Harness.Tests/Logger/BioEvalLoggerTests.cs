using System.Collections.ObjectModel;
using BioEval.Harness.Results;
using BioEval.Harness.Tests.Runs;
using BioEval.TestLogger;
using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Client;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Logging;

namespace BioEval.Harness.Tests.Logger;

/// <summary>
/// The <c>bioeval</c> test logger prints, when the run ends, the verdict tables of every results.json that a test
/// named in its output, read through the results contract.
/// </summary>
public sealed class BioEvalLoggerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bioeval-logger-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task AtTheEndOfTheRunItPrintsOneTablePerTaskFromTheResultsNamedInTestOutput()
    {
        var document = ResultsContractTests.Document(await ResultsContractTests.LongHealthOnOracle(), await ResultsContractTests.LongHealthOnOracle("majority"));
        var results = Path.Combine(_dir, "run", "results.json");
        Directory.CreateDirectory(Path.GetDirectoryName(results)!);
        File.WriteAllText(results, ResultsFile.Serialize(document));
        File.WriteAllText(Path.Combine(_dir, "run", "report.md"), "# report");
        var printed = Path.Combine(_dir, "tables.txt");

        var events = new Events();
        new BioEvalLogger().Initialize(events, new Dictionary<string, string?> { ["output"] = printed });
        // Two cases name the same run; one names nothing. The run's tables print once, at the end only.
        events.Result($"LongHealth / oracle: ...\n{VerdictTables.Marker}{results}\n");
        events.Result($"{VerdictTables.Marker}{results}");
        events.Result("no marker here");
        Assert.Equal("", File.ReadAllText(printed));
        events.Complete();

        var text = File.ReadAllText(printed);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(text, "BioEval verdicts"));
        Assert.Contains("LongHealth", text);
        var rows = text.Split('\n').Where(l => l.Contains("oracle → majority")).ToList();
        Assert.Equal(document.Comparisons.Select(c => c.Metric), rows.Select(r => r.Split("  ", StringSplitOptions.RemoveEmptyEntries)[1].Trim()));
        foreach (var (row, c) in rows.Zip(document.Comparisons))
            Assert.EndsWith(c.Verdict.Outcome switch { VerdictOutcome.Better => "better", VerdictOutcome.Worse => "WORSE", _ => "no significant difference" }, row.TrimEnd());
        Assert.Contains($"report: {Path.Combine(_dir, "run", "report.md")}", text);
        Assert.DoesNotContain("report.html", text); // only reports that exist are named
    }

    [Fact]
    public void AResultsFileThatCannotBeReadIsNamedNotThrown()
    {
        var missing = Path.Combine(_dir, "nowhere", "results.json");
        Assert.StartsWith($"bioeval: cannot read {missing}", VerdictTables.Render(missing));
        var broken = Path.Combine(_dir, "results.json");
        File.WriteAllText(broken, "{\"schema_version\": 1}");
        Assert.StartsWith($"bioeval: cannot read {broken}", VerdictTables.Render(broken));
    }

    [Theory]
    [InlineData("bioeval-results: /a/results.json", "/a/results.json")]
    [InlineData("x\r\n  bioeval-results: /b/results.json  \r\ny", "/b/results.json")]
    [InlineData("results: /c/results.json", null)]
    public void TheMarkerLineNamesTheFile(string output, string? expected) =>
        Assert.Equal(expected is null ? [] : [expected], VerdictTables.ResultFiles(output));

    /// <summary>The test platform's events, raised by hand.</summary>
    private sealed class Events : TestLoggerEvents
    {
        public override event EventHandler<TestRunMessageEventArgs>? TestRunMessage { add { } remove { } }
        public override event EventHandler<TestRunStartEventArgs>? TestRunStart { add { } remove { } }
        public override event EventHandler<TestResultEventArgs>? TestResult;
        public override event EventHandler<TestRunCompleteEventArgs>? TestRunComplete;
        public override event EventHandler<DiscoveryStartEventArgs>? DiscoveryStart { add { } remove { } }
        public override event EventHandler<TestRunMessageEventArgs>? DiscoveryMessage { add { } remove { } }
        public override event EventHandler<DiscoveredTestsEventArgs>? DiscoveredTests { add { } remove { } }
        public override event EventHandler<DiscoveryCompleteEventArgs>? DiscoveryComplete { add { } remove { } }

        public void Result(string output)
        {
            var result = new Microsoft.VisualStudio.TestPlatform.ObjectModel.TestResult(new TestCase("BioEval.Case", new Uri("executor://xunit"), "tests.dll")) { Outcome = TestOutcome.Passed };
            result.Messages.Add(new TestResultMessage(TestResultMessage.StandardOutCategory, output));
            TestResult?.Invoke(this, new TestResultEventArgs(result));
        }

        public void Complete() =>
            TestRunComplete?.Invoke(this, new TestRunCompleteEventArgs(null, false, false, null, new Collection<AttachmentSet>(), TimeSpan.Zero));
    }
}
