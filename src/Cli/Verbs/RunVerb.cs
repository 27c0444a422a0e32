using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using BioEval.Harness.Gates;
using BioEval.Harness.Runs;

namespace BioEval.Cli.Verbs;

/// <summary>
/// <c>bioeval run</c>: the benchmark without the test runner. Runs every selected task on every paired model
/// of the profile, prints progress to stderr, and writes results.json, predictions.jsonl, prompts.jsonl and
/// report.md. Outputs are checkpointed as they arrive; after an interruption, <c>--resume</c> continues.
/// </summary>
internal static class RunVerb
{
    public static Command Create()
    {
        var profile = new Option<string>("--profile") { Description = "Run profile: a name under runsettings/ or a .runsettings path.", DefaultValueFactory = _ => "embedded" };
        var task = new Option<string[]>("--task") { Description = "Task(s) to run (repeat or comma-separate); default: all.", AllowMultipleArgumentsPerToken = true };
        var limit = new Option<int?>("--limit") { Description = "Evaluate at most N samples per task." };
        var output = new Option<string?>("--out") { Description = "Output folder (default: the profile's BIOEVAL_OUT)." };
        var resume = new Option<bool>("--resume") { Description = "Reuse outputs checkpointed by an earlier, interrupted run with the same prompts and decoding." };
        var scoring = new Option<string?>("--scoring")
        {
            Description = "How multiple-choice tasks (PubMedQA, MedNLI, LongHealth) are scored: generate, likelihood or both (default: generate for the CLUE tasks, both for PubMedQA).",
        };
        var description = "Run the benchmark on a profile's models and datasets and write results and a report.\n\n"
            + "Profile variables (set in the .runsettings file; the environment overrides them, options override both):\n"
            + string.Join("\n", RunProfile.Variables.Select(kv => $"  {kv.Key,-34} {kv.Value}"));
        var command = new Command("run", description) { profile, task, limit, output, resume, scoring };
        command.SetAction(async (parse, invocationToken) =>
        {
            // The first Ctrl+C (or SIGTERM) stops the run gracefully: evaluations in flight are cancelled and the
            // results completed so far are written; a second signal ends the process at once.
            using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(invocationToken);
            var cancellationToken = interrupt.Token;
            PosixSignalRegistration[] signals =
            [
                PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt),
                PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt),
            ];
            void Interrupt(PosixSignalContext context)
            {
                if (interrupt.IsCancellationRequested) return;
                context.Cancel = true;
                Console.Error.WriteLine("bioeval run: interrupting; writing the results completed so far (signal again to quit at once).");
                interrupt.Cancel();
            }
            try
            {
                return await RunAsync(parse, cancellationToken);
            }
            finally
            {
                foreach (var signal in signals) signal.Dispose();
            }
        });
        return command;

        async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
        {
            // The environment overrides the profile's file (as under dotnet test); command-line options override both.
            var overrides = RunProfile.EnvironmentSettings();
            overrides.Remove("BIOEVAL_PROFILE");
            var here = Directory.GetCurrentDirectory();
            var tasks = parse.GetValue(task);
            if (tasks is { Length: > 0 }) overrides["BIOEVAL_TASKS"] = new Setting(string.Join(',', tasks), "--task", here);
            if (parse.GetValue(limit) is { } n) overrides["BIOEVAL_LIMIT"] = new Setting(n.ToString(CultureInfo.InvariantCulture), "--limit", here);
            if (parse.GetValue(output) is { } o) overrides["BIOEVAL_OUT"] = new Setting(o, "--out", here);
            if (parse.GetValue(scoring) is { } s) overrides["BIOEVAL_SCORING"] = new Setting(s, "--scoring", here);

            RunProfile runProfile;
            BenchmarkSession session;
            var display = RunDisplay.ForConsole();
            try
            {
                runProfile = RunProfile.Load(parse.GetValue(profile)!, overrides);
                session = new BenchmarkSession(runProfile, display, parse.GetValue(resume));
            }
            catch (Exception e) when (ExitCodes.IsUserError(e))
            {
                Console.Error.WriteLine($"bioeval run: {e.Message}");
                return ExitCodes.BadInput;
            }

            await using (session)
            {
                // Everything the run reads is checked before the first model generates, and every problem is listed.
                var problems = session.Preflight();
                // Built once: preflight has loaded every dataset whose text must stay out of the console.
                var restricted = session.Restricted;
                if (problems.Count > 0)
                {
                    Console.Error.WriteLine($"bioeval run: {problems.Count} problem(s) found before running; nothing was run or written:");
                    foreach (var problem in problems) Console.Error.WriteLine($"  - {restricted.Redact(problem)}");
                    return ExitCodes.BadInput;
                }
                var models = session.Registry.PairedModels.ToList();
                Console.Error.WriteLine($"bioeval run: profile '{runProfile.Name}', {session.Tasks.Count} task(s) x {models.Count} model(s), output {runProfile.OutputDir}");
                var outcome = RunOutcome.Completed;
                var exit = await display.RunAsync(async () =>
                {
                    try
                    {
                        foreach (var t in session.Tasks)
                            foreach (var mode in session.Modes(t))
                                foreach (var m in models)
                                {
                                    var r = await session.ResultAsync(t.Name, mode, m.Name, cancellationToken);
                                    display.Line(FormattableString.Invariant(
                                        $"  {r.Label} / {m.Name}: {string.Join(", ", r.Scores.Select(kv => $"{kv.Key}={kv.Value:F4}"))} ({r.Samples} samples, {r.Seconds:F1} s, {r.Backend})"));
                            }
                        return 0;
                    }
                    catch (OperationCanceledException)
                    {
                        outcome = RunOutcome.Interrupted;
                        display.Line("bioeval run: interrupted; outputs so far are checkpointed (rerun with --resume).");
                        return ExitCodes.Interrupted;
                    }
                    catch (Exception e) when (ExitCodes.IsUserError(e))
                    {
                        outcome = RunOutcome.Failed(e.Message);
                        display.Line($"bioeval run: {restricted.Redact(e.Message)}");
                        return ExitCodes.BadInput;
                    }
                    catch (Exception e)
                    {
                        outcome = RunOutcome.Failed(e.Message);
                        display.Line($"bioeval run: internal error: {restricted.Redact(e.Message)}. {ExitCodes.LogBug(runProfile.OutputDir, e)}");
                        return ExitCodes.Bug;
                    }
                });
                var written = session.Write(outcome);
                if (!written.Complete)
                    Console.Error.WriteLine($"bioeval run: the run did not complete; its partial results are in {written.Folder} (marked incomplete); complete results already in {runProfile.OutputDir}, if any, are untouched.");
                var label = written.Complete ? "" : "incomplete ";
                Console.Out.WriteLine($"{label}results: {written.ResultsJson}");
                Console.Out.WriteLine($"{label}predictions: {written.Predictions}");
                Console.Out.WriteLine($"{label}report: {written.ReportMarkdown}");
                Console.Out.WriteLine($"{label}report: {written.ReportHtml}");
                if (exit != ExitCodes.Success || runProfile.Gate is not (GateMode.Decline or GateMode.NonInferiority)) return exit;
                // The gates of the comparisons, as under dotnet test: a complete run whose gate fails exits with 3.
                var comparisons = await session.ComparisonsAsync(cancellationToken);
                var decision = PairGate.Evaluate(runProfile.Gate, runProfile.Margin, comparisons, [], written.Predictions);
                if (!decision.Failed) return exit;
                Console.Error.WriteLine($"bioeval run: the {runProfile.Gate.ToString().ToLowerInvariant()} gate failed on {decision.Problems.Count} comparison(s):");
                foreach (var problem in decision.Problems) Console.Error.WriteLine($"  - {problem}");
                return ExitCodes.GateFailed;
            }
        }
    }
}
