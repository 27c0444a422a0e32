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
return await parsed.InvokeAsync();
