namespace BioEval.Cli.Verbs;

/// <summary>
/// The exit codes every verb uses: 0 success, 2 bad input or configuration (usage errors included), 3 a gate failed,
/// 130 interrupted, 1 only for a bug in BioEval, whose details go to a log file the message names.
/// </summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Bug = 1;
    public const int BadInput = 2;
    public const int GateFailed = 3;
    public const int Interrupted = 130;

    /// <summary>Errors that mean the input or configuration is wrong, reported as a message without a stack trace.</summary>
    public static bool IsUserError(Exception e) => Harness.Runs.UserErrors.Is(e);

    /// <summary>Writes a bug's details to <c>bioeval-error.log</c> (in <paramref name="folder"/>, else the temp folder); returns the sentence naming it.</summary>
    public static string LogBug(string? folder, Exception e)
    {
        string path;
        try
        {
            Directory.CreateDirectory(folder ?? Path.GetTempPath());
            path = Path.Combine(folder ?? Path.GetTempPath(), "bioeval-error.log");
            File.AppendAllText(path, $"{DateTimeOffset.UtcNow:O} {Environment.CommandLine}\n{e}\n\n");
        }
        catch (Exception) when (folder is not null)
        {
            return LogBug(null, e);
        }
        return $"This is a bug in BioEval; details are in {path}.";
    }
}
