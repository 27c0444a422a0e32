using BioEval.Models.Tiny;

namespace BioEval.Bench.Engine;

/// <summary>
/// The tiny base model the benchmarks run, built on first use into the repository's ignored .cache/models/tiny-base
/// (BenchmarkDotNet runs each benchmark in a child process whose working folder is deep in bin/, so the folder is
/// found from the repository root, not the working folder).
/// </summary>
internal static class BenchModel
{
    public static string Ensure()
    {
        var root = FindRepoRoot(AppContext.BaseDirectory) ?? FindRepoRoot(Environment.CurrentDirectory);
        var dir = root is null
            ? Path.Combine(Path.GetTempPath(), "bioeval-bench", "tiny-base")
            : Path.Combine(root, ".cache", "models", "tiny-base");
        return TinyModelCache.Ensure(dir, TinyModelBuilder.EmbeddedSeeds["tiny-base"]);
    }

    private static string? FindRepoRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BioEval.sln"))) return dir.FullName;
        return null;
    }
}
