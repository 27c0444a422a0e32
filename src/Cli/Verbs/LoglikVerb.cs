using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using BioEval.Models;
using BioEval.Models.Onnx;

namespace BioEval.Cli.Verbs;

/// <summary>
/// <c>bioeval loglik --model DIR --input FILE.jsonl</c>: for each line <c>{"id", "context", "continuations": [...]}</c>
/// (raw text, no chat template) one line <c>{"id", "logprobs": [...], "tokens": [...]}</c>: each continuation's summed
/// log-probability after the context and its token count, tokenised as lm-evaluation-harness does. The whole file is
/// checked before anything is scored.
/// </summary>
internal static class LoglikVerb
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder (an ONNX export or a make-tiny folder).", Required = true };
        var input = new Option<string>("--input") { Description = "JSON-lines file of {\"id\",\"context\",\"continuations\":[...]} records.", Required = true };
        var command = new Command("loglik", "Summed log-probabilities of candidate continuations after a context, with no generation.") { model, input };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(input)!;
            var items = Read(path);
            var dir = Path.GetFullPath(parse.GetValue(model)!);
            ModelFolder.Require(dir);
            using var engine = new OnnxChatClient(Path.GetFileName(dir), dir);
            foreach (var (id, context, continuations) in items)
            {
                var scores = engine.ScoreContinuations(context, continuations);
                using var buffer = new MemoryStream();
                using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                {
                    writer.WriteStartObject();
                    writer.WritePropertyName("id");
                    id.WriteTo(writer);
                    writer.WriteStartArray("logprobs");
                    foreach (var s in scores) writer.WriteRawValue(s.LogProb.ToString("R", CultureInfo.InvariantCulture));
                    writer.WriteEndArray();
                    writer.WriteStartArray("tokens");
                    foreach (var s in scores) writer.WriteNumberValue(s.Tokens);
                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }
                Console.Out.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static List<(JsonElement Id, string Context, IReadOnlyList<string> Continuations)> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Input file '{path}' does not exist.", path);
        var items = new List<(JsonElement, string, IReadOnlyList<string>)>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonElement root;
            try
            {
                using var doc = JsonDocument.Parse(line);
                root = doc.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}:{number}: not valid JSON ({e.Message.Split(" Path:")[0]}).", e);
            }
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("id", out var id) || id.ValueKind is not (JsonValueKind.String or JsonValueKind.Number)
                || !root.TryGetProperty("context", out var context) || context.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("continuations", out var continuations) || continuations.ValueKind != JsonValueKind.Array
                || continuations.EnumerateArray().Any(c => c.ValueKind != JsonValueKind.String))
                throw new InvalidDataException($"{path}:{number}: expected {{\"id\": string or number, \"context\": string, \"continuations\": [strings]}}.");
            items.Add((id, context.GetString()!, [.. continuations.EnumerateArray().Select(c => c.GetString()!)]));
        }
        return items;
    }
}
