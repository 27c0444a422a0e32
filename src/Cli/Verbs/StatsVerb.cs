using System.CommandLine;
using System.Numerics;
using BioEval.Harness.Statistics;
using BioEval.Models;

namespace BioEval.Cli.Verbs;

/// <summary><c>bioeval stats</c>: paired tests and p-value adjustment for a JSON-lines file (parity checks with SciPy).</summary>
internal static class StatsVerb
{
    public static Command Create()
    {
        var input = new Option<string>("--input")
        {
            Description = "JSON-lines file: {\"id\",\"test\":\"mcnemar\"|\"permutation\"|\"bootstrap\",\"base\":[...],\"bio\":[...]} or {\"id\",\"test\":\"adjust\",\"p_values\":[...]}.",
            Required = true,
        };
        var resamples = new Option<int>("--resamples")
        {
            Description = $"Bootstrap resamples, and Monte Carlo sign flips when a permutation test has more than {PairedTests.ExactSignFlipLimit} pairs.",
            DefaultValueFactory = _ => PairedBootstrap.DefaultResamples,
        };
        var seed = new Option<BigInteger>("--seed")
        {
            Description = "Seed of the resampling (any integer; its low 64 bits are used).",
            DefaultValueFactory = _ => BigInteger.One,
            CustomParser = SeedOption.Parse,
        };
        var command = new Command("stats", "Run paired tests (McNemar, sign-flip permutation, bootstrap) or Holm/BH adjustment; one JSON line per input line.")
        {
            input, resamples, seed,
        };
        command.SetAction(parse => StatsFile.Run(parse.GetValue(input)!, parse.GetValue(resamples), SeedValue.Low64Bits(parse.GetValue(seed)), Console.Out, Console.Error));
        return command;
    }
}
