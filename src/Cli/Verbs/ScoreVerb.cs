using System.CommandLine;
using BioEval.Harness.Scoring;

namespace BioEval.Cli.Verbs;

/// <summary><c>bioeval score</c>: per-example metric values for a JSON-lines file (parity checks against the reference).</summary>
internal static class ScoreVerb
{
    public static Command Create()
    {
        var metric = new Option<string>("--metric")
        {
            Description = $"Metric to compute: {string.Join(", ", ScoreFile.Metrics.Select(m => m.Name))}.",
            Required = true,
        };
        var input = new Option<string>("--input")
        {
            Description = "JSON-lines file of {\"id\",\"prediction\",\"reference\"} records (reference: a string, or an array of codes for icd).",
            Required = true,
        };
        var codes = new Option<string?>("--codes")
        {
            Description = "ICD-10-CM code list (CMS codes or order file, or one code per line); adds valid_ratio for icd.",
        };
        var command = new Command("score", "Score predictions against references with one metric; writes one JSON line per input line.")
        {
            metric, input, codes,
        };
        command.SetAction(parseResult => ScoreFile.Run(
            parseResult.GetValue(metric)!, parseResult.GetValue(input)!, Console.Out, Console.Error, parseResult.GetValue(codes)));
        return command;
    }
}
