using System.CommandLine;
using BioEval.Models.Tokenization;

namespace BioEval.Cli.Verbs;

/// <summary><c>bioeval tokenize</c>: token ids of each input line with a model's own tokenizer, for parity checks.</summary>
internal static class TokenizeVerb
{
    public static Command Create()
    {
        var tokenizerOption = new Option<string>("--tokenizer")
        {
            Description = "Folder with the model's tokenizer.json and tokenizer_config.json",
            Required = true,
        };
        var inputOption = new Option<string>("--input")
        {
            Description = "UTF-8 text file, one case per line",
            Required = true,
        };
        var specialOption = new Option<bool>("--add-special-tokens")
        {
            Description = "Add the model's BOS/EOS as Hugging Face does with add_special_tokens=True",
        };
        var command = new Command("tokenize", "Print {\"ids\":[...]} for each line of a file, as the model's Hugging Face tokenizer gives")
        {
            tokenizerOption,
            inputOption,
            specialOption,
        };
        command.SetAction(parseResult =>
        {
            var dir = parseResult.GetValue(tokenizerOption)!;
            var input = parseResult.GetValue(inputOption)!;
            HfTokenizer tokenizer;
            try
            {
                tokenizer = HfTokenizer.FromDirectory(dir);
                if (!File.Exists(input)) throw new FileNotFoundException($"Input file '{input}' does not exist.", input);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"bioeval tokenize: {e.Message}");
                return 2;
            }
            foreach (var line in TokenIdLines.Encode(tokenizer, input, parseResult.GetValue(specialOption)))
                Console.Out.WriteLine(line);
            return 0;
        });
        return command;
    }
}
