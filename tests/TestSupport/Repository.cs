namespace BioEval.TestSupport;

/// <summary>Where the checkout is, found from the test binaries (shared by the test projects as a linked file).</summary>
internal static class Repository
{
    /// <summary>The folder holding BioEval.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The npm packages tools/reference/fetch.sh installs (ignored, so absent until it has run).</summary>
    public static string ReferenceModules => Path.Combine(Root, ".cache", "reference", "node_modules");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BioEval.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No BioEval.sln above {AppContext.BaseDirectory}.");
    }
}
