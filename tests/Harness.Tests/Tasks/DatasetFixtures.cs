namespace BioEval.Harness.Tests.Tasks;

/// <summary>Locates the committed dataset fixtures and writes throwaway files for malformed-input tests.</summary>
internal static class DatasetFixtures
{
    /// <summary>The folder holding BioEval.sln.</summary>
    public static string RepoRoot => BioEval.TestSupport.Repository.Root;

    /// <summary>The fixture file of a task, e.g. <c>Path("MedNLI", "mli_test_v1.jsonl")</c>.</summary>
    public static string Path(string task, string file) =>
        System.IO.Path.Combine(RepoRoot, "fixtures", "datasets", task, file);

    /// <summary>
    /// A real dataset file from the shared folder beside the checkout (<c>&lt;repo-root&gt;/../shared/datasets</c>), also
    /// looked for beside the checkout's parents so that git worktrees find it; null when absent.
    /// </summary>
    public static string? SharedDataset(string task, string file)
    {
        for (var dir = new DirectoryInfo(RepoRoot).Parent; dir is not null; dir = dir.Parent)
        {
            var path = System.IO.Path.Combine(dir.FullName, "shared", "datasets", task, file);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    /// <summary>Writes <paramref name="content"/> to a fresh temporary file named <paramref name="fileName"/>.</summary>
    public static string Temp(string fileName, string content)
    {
        var dir = Directory.CreateTempSubdirectory("bioeval-datasets-").FullName;
        var path = System.IO.Path.Combine(dir, fileName);
        File.WriteAllText(path, content);
        return path;
    }
}
