namespace BioEval.Models.Templates;

/// <summary>
/// A chat template failed to parse or render. Carries the template line so a bad tokenizer_config.json can be
/// fixed without guessing; <see cref="RaisedByTemplate"/> marks the template's own <c>raise_exception(...)</c>
/// (e.g. "roles must alternate"), which callers report as a per-conversation error rather than a bug.
/// </summary>
public sealed class TemplateException : Exception
{
    public TemplateException(string message, int line = 0, bool raisedByTemplate = false, Exception? inner = null)
        : base(raisedByTemplate || line <= 0 ? message : $"{message} (template line {line})", inner)
    {
        Line = line;
        RaisedByTemplate = raisedByTemplate;
        Detail = message;
    }

    /// <summary>1-based line of the template where the failure happened; 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>True when the template itself called <c>raise_exception</c>; the message is then exactly its argument.</summary>
    public bool RaisedByTemplate { get; }

    /// <summary>The message without the line suffix.</summary>
    public string Detail { get; }
}
