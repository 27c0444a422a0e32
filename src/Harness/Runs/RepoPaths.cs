namespace BioEval.Harness.Runs;

/// <summary>Finds the repository root (the folder holding BioEval.sln), where profiles and fixtures live.</summary>
public static class RepoPaths
{
    /// <summary>The nearest folder at or above <paramref name="start"/> that holds BioEval.sln, or null.</summary>
    public static string? FindRoot(string? start = null)
    {
        for (var dir = new DirectoryInfo(start ?? AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BioEval.sln"))) return dir.FullName;
        return null;
    }

    /// <summary>The repository root seen from the current directory or the running assembly; throws when neither is inside it.</summary>
    public static string Root() =>
        FindRoot(Directory.GetCurrentDirectory()) ?? FindRoot()
        ?? throw new DirectoryNotFoundException("Cannot find the BioEval repository root (a folder holding BioEval.sln) above the current directory or the program.");

    /// <summary>The shared data folder beside the repository (../shared), or null where a machine has none.</summary>
    public static string? Shared(string? root = null)
    {
        var r = root ?? FindRoot(Directory.GetCurrentDirectory()) ?? FindRoot();
        if (r is null) return null;
        var shared = Path.GetFullPath(Path.Combine(r, "..", "shared"));
        return Directory.Exists(shared) ? shared : null;
    }
}
