namespace BioEval.Harness.Runs;

/// <summary>
/// Finds where profiles and fixtures live: the repository root (the folder holding BioEval.sln) in a checkout, or the
/// program's own folder when BioEval runs as an installed tool (the profiles, registries and fixtures ship beside it).
/// </summary>
public static class RepoPaths
{
    /// <summary>The nearest folder at or above <paramref name="start"/> that holds BioEval.sln, or null.</summary>
    public static string? FindRoot(string? start = null)
    {
        for (var dir = new DirectoryInfo(start ?? AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BioEval.sln"))) return dir.FullName;
        return null;
    }

    /// <summary>
    /// The repository root seen from the current directory or the running assembly, else the program's folder when
    /// the profiles ship beside it (an installed tool); throws when neither holds them.
    /// </summary>
    public static string Root() =>
        FindRoot(Directory.GetCurrentDirectory()) ?? FindRoot() ?? Shipped()
        ?? throw new DirectoryNotFoundException("Cannot find BioEval's profiles: no repository (a folder holding BioEval.sln) above the current directory or the program, and no runsettings/ beside the program.");

    /// <summary>Whether <paramref name="root"/> is a checkout (rather than an installed tool's folder).</summary>
    public static bool IsRepository(string root) => File.Exists(Path.Combine(root, "BioEval.sln"));

    private static string? Shipped()
    {
        var dir = AppContext.BaseDirectory;
        return File.Exists(Path.Combine(dir, "runsettings", "embedded.runsettings")) ? Path.GetFullPath(dir) : null;
    }

    /// <summary>The shared data folder beside the repository (../shared), or null where a machine has none.</summary>
    public static string? Shared(string? root = null)
    {
        var r = root ?? FindRoot(Directory.GetCurrentDirectory()) ?? FindRoot();
        if (r is null) return null;
        var shared = Path.GetFullPath(Path.Combine(r, "..", "shared"));
        return Directory.Exists(shared) ? shared : null;
    }
}
