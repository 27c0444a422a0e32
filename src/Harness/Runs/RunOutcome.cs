namespace BioEval.Harness.Runs;

/// <summary>How a run ended, which decides where its files go: a complete run replaces the folder's results, any other
/// outcome writes to <c>incomplete/</c> and leaves them alone.</summary>
/// <param name="Complete">Every selected evaluation finished.</param>
/// <param name="Reason">Why not ("interrupted", or the error's message); null when complete.</param>
public sealed record RunOutcome(bool Complete, string? Reason)
{
    public static readonly RunOutcome Completed = new(true, null);
    public static readonly RunOutcome Interrupted = new(false, "interrupted");

    public static RunOutcome Failed(string message) => new(false, "failed: " + message);
}
