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
        return StampedFolder.Ensure(dir, StampFile, stamp, staging => TinyModelBuilder.Write(staging, seed));
    }
}
