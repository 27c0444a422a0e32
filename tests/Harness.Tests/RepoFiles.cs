using BioEval.Harness.Runs;

namespace BioEval.Harness.Tests;

/// <summary>Paths of committed fixtures and of the optional shared data beside the repository.</summary>
internal static class RepoFiles
{
    public static string Fixture(params string[] parts) => Path.Combine([RepoPaths.Root(), "fixtures", .. parts]);

    /// <summary>A file under ../shared, or a skip naming what is missing (a user's machine may have no shared folder).</summary>
    public static string SharedOrSkip(params string[] parts)
    {
        var shared = RepoPaths.Shared();
        var path = shared is null ? null : Path.Combine([shared, .. parts]);
        if (path is null || !File.Exists(path))
            Assert.Skip($"Shared data not available: ../shared/{string.Join('/', parts)} (tests that read real datasets skip where the folder is absent).");
        return path!;
    }
}
