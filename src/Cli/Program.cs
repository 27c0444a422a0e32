using System.CommandLine;
using BioEval.Cli.Verbs;

var root = new RootCommand("BioEval: does a biomedical LLM beat its base model on clinical tasks? Benchmarks, metrics and engine tools.");
foreach (var verb in new[]
{
    RunVerb.Create(),
    ShuffleVerb.Create(),
    ScoreVerb.Create(),
    StatsVerb.Create(),
    ReportVerb.Create(),
    TokenizeVerb.Create(),
    RenderVerb.Create(),
    MakeTinyVerb.Create(),
    ExportGgufVerb.Create(),
    GenerateVerb.Create(),
    BenchVerb.Create(),
    ServeVerb.Create(),
    LoglikVerb.Create(),
})
{
    root.Subcommands.Add(verb);
}

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // Usage errors exit with 2 like bad input files do, so scripts can tell them from failures of a run (1).
    foreach (var error in parsed.Errors) Console.Error.WriteLine($"bioeval: {error.Message}");
    Console.Error.WriteLine("Run 'bioeval --help' or 'bioeval <verb> --help' for usage.");
    return 2;
}
// No verb prints a stack trace for a user's mistake: input and configuration errors are a message and exit code 2
// wherever they surface; anything else is a bug, exit code 1, its details in a log file the message names.
try
{
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (ExitCodes.IsUserError(e))
{
    Console.Error.WriteLine($"bioeval {parsed.CommandResult.Command.Name}: {e.Message}");
    return ExitCodes.BadInput;
}
catch (OperationCanceledException)
{
    return ExitCodes.Interrupted;
}
catch (Exception e)
{
    Console.Error.WriteLine($"bioeval {parsed.CommandResult.Command.Name}: internal error: {e.Message}. {ExitCodes.LogBug(null, e)}");
    return ExitCodes.Bug;
}
