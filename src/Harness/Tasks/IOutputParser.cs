namespace BioEval.Harness.Tasks;

/// <summary>Turns a model's raw output into the answer the metrics score.</summary>
public interface IOutputParser
{
    string Parse(string rawOutput);
}

/// <summary>Keeps the output as generated, trimmed (summaries: the reference scores the raw text).</summary>
public sealed class IdentityParser : IOutputParser
{
    public static readonly IdentityParser Instance = new();
    public string Parse(string rawOutput) => rawOutput.Trim();
}
