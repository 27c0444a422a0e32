using System.Text.RegularExpressions;

namespace BioEval.Harness.Runs;

/// <summary>Expands <c>${NAME}</c> in profile and registry paths from the environment.</summary>
public static partial class PathExpansion
{
    /// <summary>
    /// Replaces each <c>${NAME}</c> with the environment variable's value; an unset variable is an error
    /// that names it and <paramref name="where"/>, because a silently empty path points somewhere unintended.
    /// </summary>
    public static string Expand(string value, string where) =>
        Braced().Replace(value, m => Environment.GetEnvironmentVariable(m.Groups[1].Value) is { Length: > 0 } v
            ? v
            : throw new InvalidDataException($"{where} uses ${{{m.Groups[1].Value}}}, but that environment variable is not set."));

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Braced();
}
