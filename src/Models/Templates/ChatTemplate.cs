using System.Text.Json;

namespace BioEval.Models.Templates;

/// <summary>
/// A Hugging Face chat template (the Jinja in tokenizer_config.json), parsed once and rendered per conversation.
/// Renders as transformers' apply_chat_template does (trim_blocks, lstrip_blocks, raise_exception, tojson without
/// ASCII escaping), so prompts fed to local models match what vLLM/transformers would build. Only the Jinja subset
/// chat templates use is supported; anything else fails at parse time with a <see cref="TemplateException"/>
/// naming the construct and line.
/// </summary>
public sealed class ChatTemplate
{
    readonly List<Node> _body;
    readonly Dictionary<string, object?> _defaults;

    ChatTemplate(string source, List<Node> body, Dictionary<string, object?> defaults)
    {
        Source = source;
        _body = body;
        _defaults = defaults;
    }

    /// <summary>The template text.</summary>
    public string Source { get; }

    /// <summary>Variables <see cref="RenderChat(IReadOnlyList{IReadOnlyDictionary{string, object}}, bool)"/> passes:
    /// the special tokens of the tokenizer config (bos_token, eos_token, ...), plus tools/documents = None.</summary>
    public IReadOnlyDictionary<string, object?> DefaultVariables => _defaults;

    Func<DateTime> _clock = () => DateTime.Now;

    /// <summary>A copy whose <c>strftime_now</c> reads <paramref name="clock"/>, so dated prompts are reproducible.</summary>
    public ChatTemplate WithClock(Func<DateTime> clock) => new(Source, _body, _defaults) { _clock = clock };

    /// <summary>Parses a template; throws <see cref="TemplateException"/> on syntax errors or unsupported constructs.</summary>
    public static ChatTemplate Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new ChatTemplate(source, Parser.Parse(source), new(StringComparer.Ordinal));
    }

    /// <summary>
    /// Reads tokenizer_config.json: <c>chat_template</c> (a string, or a list of {name, template} where "default" is
    /// taken) and the special tokens (strings or {content: ...} objects) that transformers passes to the template.
    /// A <paramref name="templateOverride"/> (a user's template file, e.g. for a base model without a chat template)
    /// replaces the config's template; the special tokens still come from the config.
    /// </summary>
    public static ChatTemplate FromTokenizerConfig(string tokenizerConfigJsonPath, string? templateOverride = null, string? templateOverrideFile = null)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllText(tokenizerConfigJsonPath));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{tokenizerConfigJsonPath}: not valid JSON ({e.Message})", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{tokenizerConfigJsonPath}: expected a JSON object");
            var source = templateOverride ?? ReadTemplate(root, tokenizerConfigJsonPath);
            var defaults = new Dictionary<string, object?>(StringComparer.Ordinal) { ["tools"] = null, ["documents"] = null };
            foreach (var p in root.EnumerateObject())
            {
                if (p.Name.EndsWith("_token", StringComparison.Ordinal) && TokenText(p.Value) is { } token)
                    defaults[p.Name] = token;
                else if (p.Name == "additional_special_tokens" && p.Value.ValueKind == JsonValueKind.Array)
                    defaults[p.Name] = p.Value.EnumerateArray().Select(TokenText).Where(t => t is not null).Cast<object?>().ToList();
            }
            List<Node> body;
            try
            {
                body = Parser.Parse(source);
            }
            catch (TemplateException e)
            {
                // The error is in whichever source the template came from: the override file, or the config's field.
                var origin = templateOverride is null ? $"{tokenizerConfigJsonPath}: chat_template" : templateOverrideFile ?? "the chat template given";
                throw new TemplateException($"{origin}: {e.Detail}", e.Line, inner: e);
            }
            return new ChatTemplate(source, body, defaults);
        }
    }

    static string ReadTemplate(JsonElement root, string path)
    {
        if (!root.TryGetProperty("chat_template", out var t) || t.ValueKind == JsonValueKind.Null)
            throw new InvalidDataException($"{path}: no 'chat_template' field; this tokenizer has no chat template (give the model a template file: registry option \"chat_template\")");
        if (t.ValueKind == JsonValueKind.String) return t.GetString()!;
        if (t.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in t.EnumerateArray())
                if (entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
                    && n.GetString() == "default" && entry.TryGetProperty("template", out var tpl) && tpl.ValueKind == JsonValueKind.String)
                    return tpl.GetString()!;
            throw new InvalidDataException($"{path}: 'chat_template' is a list without a {{name: \"default\", template: ...}} entry");
        }
        throw new InvalidDataException($"{path}: 'chat_template' must be a string or a list of {{name, template}}, got {t.ValueKind}");
    }

    static string? TokenText(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Object when e.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String => c.GetString(),
        _ => null,
    };

    /// <summary>
    /// Renders the template with <c>messages</c>, <c>add_generation_prompt</c> and <paramref name="variables"/>
    /// (bos_token, eos_token, ...). Values may be strings, numbers, booleans, null, dictionaries, lists or JsonElements.
    /// Throws <see cref="TemplateException"/> when the template raises or fails.
    /// </summary>
    public string Render(IReadOnlyList<IReadOnlyDictionary<string, object?>> messages, bool addGenerationPrompt,
        IReadOnlyDictionary<string, object?>? variables = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var scope = new Scope(null);
        Builtins.AddGlobals(scope, _clock);
        if (variables is not null)
            foreach (var (key, value) in variables) scope.Set(key, Py.FromClr(value));
        scope.Set("messages", messages.Select(m => Py.FromClr(m)).ToList());
        scope.Set("add_generation_prompt", addGenerationPrompt);
        return Evaluator.Render(_body, new Scope(scope));
    }

    /// <summary>Renders with the tokenizer config's special tokens (see <see cref="DefaultVariables"/>).</summary>
    public string RenderChat(IReadOnlyList<IReadOnlyDictionary<string, object?>> messages, bool addGenerationPrompt) =>
        Render(messages, addGenerationPrompt, _defaults);

    /// <summary>Renders (role, content) turns with the tokenizer config's special tokens.</summary>
    public string RenderChat(IReadOnlyList<(string Role, string Content)> messages, bool addGenerationPrompt) =>
        RenderChat(ToMessages(messages), addGenerationPrompt);

    /// <summary>
    /// Renders one conversation for a batch (the <c>render</c> verb): the text, or the template's error as data
    /// instead of an exception, so one bad conversation does not stop the others.
    /// </summary>
    public ChatRenderOutcome TryRenderChat(IReadOnlyList<IReadOnlyDictionary<string, object?>> messages, bool addGenerationPrompt)
    {
        try
        {
            return new ChatRenderOutcome(RenderChat(messages, addGenerationPrompt), null);
        }
        catch (TemplateException e)
        {
            return new ChatRenderOutcome(null, e.Message);
        }
    }

    public static IReadOnlyList<IReadOnlyDictionary<string, object?>> ToMessages(IReadOnlyList<(string Role, string Content)> messages) =>
        messages.Select(m => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
        {
            ["role"] = m.Role,
            ["content"] = m.Content,
        }).ToList();
}

/// <summary>The result of rendering one conversation: exactly one of <see cref="Text"/> and <see cref="Error"/> is set.</summary>
public sealed record ChatRenderOutcome(string? Text, string? Error)
{
    /// <summary>One compact JSON line, <c>{"text":"..."}</c> or <c>{"error":"..."}</c>, non-ASCII left unescaped.</summary>
    public string ToJsonLine() => Error is null
        ? "{\"text\":" + Py.JsonQuote(Text ?? "") + "}"
        : "{\"error\":" + Py.JsonQuote(Error) + "}";
}

/// <summary>
/// Reads a conversations file: a JSON array of conversations, each an array of {role, content} messages
/// (extra fields are kept and passed to the template). Errors name the file, conversation and message.
/// </summary>
public static class ChatConversationsFile
{
    public static IReadOnlyList<IReadOnlyList<IReadOnlyDictionary<string, object?>>> Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: cannot read ({e.Message})", e);
        }
        return Parse(text, path);
    }

    public static IReadOnlyList<IReadOnlyList<IReadOnlyDictionary<string, object?>>> Parse(string json, string sourceName)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{sourceName}: not valid JSON ({e.Message})", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
                throw new InvalidDataException($"{sourceName}: expected a JSON array of conversations");
            var result = new List<IReadOnlyList<IReadOnlyDictionary<string, object?>>>();
            var ci = 0;
            foreach (var conversation in doc.RootElement.EnumerateArray())
            {
                if (conversation.ValueKind != JsonValueKind.Array)
                    throw new InvalidDataException($"{sourceName}: conversation {ci} must be an array of messages");
                var messages = new List<IReadOnlyDictionary<string, object?>>();
                var mi = 0;
                foreach (var message in conversation.EnumerateArray())
                {
                    var where = $"{sourceName}: conversation {ci}, message {mi}";
                    if (message.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{where}: expected an object with 'role' and 'content'");
                    if (!message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
                        throw new InvalidDataException($"{where}: 'role' must be a string");
                    if (!message.TryGetProperty("content", out var content) || content.ValueKind is JsonValueKind.Undefined)
                        throw new InvalidDataException($"{where}: 'content' is missing");
                    messages.Add((Dictionary<string, object?>)Py.FromJson(message)!);
                    mi++;
                }
                result.Add(messages);
                ci++;
            }
            return result;
        }
    }
}
