using System.CommandLine;
using System.Globalization;
using BioEval.Models.Onnx;
using BioEval.Models.Templates;

namespace BioEval.Cli.Verbs;

/// <summary>
/// <c>bioeval generate --model DIR --prompt TEXT</c>: one prompt through a model folder with BioEval's engine,
/// greedy, as a single user turn of the model's chat template. The text goes to stdout, the figures to stderr.
/// </summary>
internal static class GenerateVerb
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder (ONNX decoder, tokenizer.json, tokenizer_config.json).", Required = true };
        var prompt = new Option<string>("--prompt") { Description = "The user's message.", Required = true };
        var maxNew = new Option<int>("--max-new-tokens") { Description = "Most tokens to generate.", DefaultValueFactory = _ => 128 };
        var raw = new Option<bool>("--raw") { Description = "Feed the prompt as it is (with the tokenizer's BOS) instead of through the chat template." };
        var command = new Command("generate", "Greedy-decode one prompt with BioEval's ONNX engine and print the generated text.")
        {
            model, prompt, maxNew, raw,
        };
        command.SetAction(parseResult =>
        {
            var maxNewTokens = parseResult.GetValue(maxNew);
            if (maxNewTokens < 1)
            {
                Console.Error.WriteLine($"bioeval generate: --max-new-tokens must be at least 1, got {maxNewTokens}.");
                return 2;
            }
            PromptGenerationResult result;
            try
            {
                result = PromptGeneration.Run(parseResult.GetValue(model)!, parseResult.GetValue(prompt)!, maxNewTokens, parseResult.GetValue(raw));
            }
            catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or UnauthorizedAccessException or TemplateException or ArgumentException
                                          or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
            {
                Console.Error.WriteLine($"bioeval generate: {e.Message}");
                return 2;
            }
            Console.Out.WriteLine(result.Text);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"bioeval generate: {result.PromptTokens} prompt tokens, {result.TokenIds.Count} generated ({result.FinishReason}), {result.TokensPerSecond:F1} tok/s, execution provider {result.ExecutionProvider}"));
            return 0;
        });
        return command;
    }
}
