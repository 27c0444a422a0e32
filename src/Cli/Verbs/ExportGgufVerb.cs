using System.CommandLine;
using BioEval.Models.Gguf;

namespace BioEval.Cli.Verbs;

/// <summary>
/// <c>bioeval export-gguf --model DIR --out FILE.gguf</c>: converts a Llama-architecture model folder (as
/// <c>make-tiny</c> writes it) into a float32 GGUF, so llama.cpp can run the very same weights as a cross-check.
/// </summary>
internal static class ExportGgufVerb
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder: config.json, tokenizer.json, tokenizer_config.json and model.onnx with named float32 weights.", Required = true };
        var output = new Option<string>("--out") { Description = "GGUF file to write (replaced if it exists).", Required = true };
        var command = new Command("export-gguf", "Write a model folder's weights and tokenizer as a float32 GGUF v3 file (llama.cpp architecture 'llama').");
        command.Options.Add(model);
        command.Options.Add(output);
        command.SetAction(parseResult =>
        {
            try
            {
                var result = LlamaGgufExporter.Export(parseResult.GetValue(model)!, parseResult.GetValue(output)!);
                Console.WriteLine($"{result.Path} ({result.Bytes:N0} bytes, {result.TensorCount} tensors, {result.MetadataCount} metadata keys)");
                return 0;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or UnauthorizedAccessException or System.Text.Json.JsonException)
            {
                Console.Error.WriteLine($"bioeval export-gguf: {e.Message}");
                return 2;
            }
        });
        return command;
    }
}
