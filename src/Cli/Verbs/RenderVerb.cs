using System.CommandLine;
using BioEval.Models.Templates;

namespace BioEval.Cli.Verbs;

/// <summary>
/// <c>bioeval render --tokenizer DIR --messages FILE.json</c>: renders each conversation with the model's chat
/// template (add_generation_prompt=true) and prints one JSON line per conversation, {"text": ...} or {"error": ...},
/// so prompts can be inspected or diffed against transformers. Bad input files exit with code 2.
/// </summary>
internal static class RenderVerb
{
    public static Command Create()
    {
        var tokenizer = new Option<string>("--tokenizer")
        {
            Description = "Model or tokenizer folder holding tokenizer_config.json (with its chat_template)",
            Required = true,
        };
        var messages = new Option<string>("--messages")
        {
            Description = "JSON file: an array of conversations, each an array of {role, content} messages",
            Required = true,
        };
        var command = new Command("render", "Render conversations with a tokenizer's chat template, one JSON line each");
        command.Options.Add(tokenizer);
        command.Options.Add(messages);
        command.SetAction(parseResult =>
        {
            var dir = parseResult.GetValue(tokenizer)!;
            var file = parseResult.GetValue(messages)!;
            var configPath = Path.Combine(dir, "tokenizer_config.json");
            ChatTemplate template;
            IReadOnlyList<IReadOnlyList<IReadOnlyDictionary<string, object?>>> conversations;
            try
            {
                if (!File.Exists(configPath)) throw new InvalidDataException($"{configPath}: file not found");
                template = ChatTemplate.FromTokenizerConfig(configPath);
                conversations = ChatConversationsFile.Load(file);
            }
            catch (Exception e) when (e is InvalidDataException or TemplateException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"bioeval render: {e.Message}");
                return 2;
            }
            foreach (var conversation in conversations)
                Console.Out.WriteLine(template.TryRenderChat(conversation, addGenerationPrompt: true).ToJsonLine());
            return 0;
        });
        return command;
    }
}
