using System.Numerics;

namespace BioEval.Models.Tiny;

/// <summary>
/// Materialises a tiny model folder on first use (nothing is committed or downloaded). The folder carries a stamp
/// of the build that wrote it, so a changed builder rewrites it; writing goes to a temporary sibling that is moved
/// into place, so test processes running side by side never read half a model.
/// </summary>
public static class TinyModelCache
{
    private const string StampFile = "bioeval-tiny.stamp";

    /// <summary>Ensures <paramref name="dir"/> holds the tiny model of <paramref name="seed"/>; returns the folder.</summary>
    public static string Ensure(string dir, BigInteger seed)
    {
        var stamp = $"{typeof(TinyModelBuilder).Assembly.ManifestModule.ModuleVersionId}/seed {seed}";
        var stampPath = Path.Combine(dir, StampFile);
        if (File.Exists(stampPath) && File.ReadAllText(stampPath) == stamp) return dir;

        var parent = Path.GetDirectoryName(Path.GetFullPath(dir))!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(dir)}.{Guid.NewGuid():N}");
        TinyModelBuilder.Write(staging, seed);
        File.WriteAllText(Path.Combine(staging, StampFile), stamp);
        try
        {
            if (Directory.Exists(dir))
            {
                var old = staging + ".old";
                Directory.Move(dir, old);
                Directory.Delete(old, recursive: true);
            }
            Directory.Move(staging, dir);
        }
        catch (IOException) when (File.Exists(stampPath) && File.ReadAllText(stampPath) == stamp)
        {
            // Another process put the same model in place first.
            Directory.Delete(staging, recursive: true);
        }
        return dir;
    }
}
