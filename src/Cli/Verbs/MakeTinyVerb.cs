using System.CommandLine;
using System.Numerics;
using BioEval.Models.Tiny;

namespace BioEval.Cli.Verbs;

/// <summary><c>bioeval make-tiny --out DIR --seed S</c>: writes a tiny seeded model folder (no downloads).</summary>
internal static class MakeTinyVerb
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder to write the model into (created if needed).", Required = true };
        var seed = new Option<BigInteger>("--seed")
        {
            Description = "Weight seed, any integer (tiny-base = 1, tiny-bio = 2).",
            DefaultValueFactory = _ => BigInteger.One,
            CustomParser = SeedOption.Parse,
        };
        var command = new Command("make-tiny", "Write a tiny Llama-architecture ONNX model folder with its tokenizer and chat template.");
        command.Options.Add(output);
        command.Options.Add(seed);
        command.SetAction(parseResult =>
        {
            var dir = parseResult.GetValue(output)!;
            var files = TinyModelBuilder.Write(dir, parseResult.GetValue(seed));
            foreach (var file in files) Console.WriteLine($"{file} ({new FileInfo(file).Length:N0} bytes)");
            return 0;
        });
        return command;
    }
}
