using System.CommandLine;
using System.Numerics;
using System.Text.Json;
using BioEval.Harness.Protocol;

namespace BioEval.Cli.Verbs;

/// <summary><c>bioeval shuffle --seed S --count N</c>: the order Python's random.shuffle gives, as a JSON array.</summary>
internal static class ShuffleVerb
{
    public static Command Create()
    {
        var seed = new Option<BigInteger>("--seed")
        {
            Description = "Seed, as in Python's random.seed(S): any integer, of any size; a negative one acts by its absolute value.",
            Required = true,
            CustomParser = SeedOption.Parse,
        };
        var count = new Option<int>("--count") { Description = "Length of the list range(N) to shuffle.", Required = true };
        var command = new Command("shuffle", "Print the indices 0..N-1 in the order Python's random.seed(S); random.shuffle(list(range(N))) gives.") { seed, count };
        command.SetAction(parse =>
        {
            var n = parse.GetValue(count);
            if (n < 0)
            {
                Console.Error.WriteLine($"bioeval shuffle: --count must be >= 0, got {n}.");
                return 2;
            }
            Console.Out.WriteLine(JsonSerializer.Serialize(PythonRandom.ShuffledIndices(parse.GetValue(seed), n)));
            return 0;
        });
        return command;
    }
}
