namespace BioEval.Models;

/// <summary>
/// A folder written once and reused while its stamp matches: the files are written into a temporary sibling that is
/// moved into place with the stamp inside, so an interrupted write leaves nothing that passes for complete, and
/// processes running side by side never read half a folder.
/// </summary>
internal static class StampedFolder
{
    /// <summary>
    /// Returns <paramref name="dir"/>, first (re)writing it with <paramref name="write"/> (given an empty staging
    /// folder) unless its file <paramref name="stampFile"/> already holds <paramref name="stamp"/>.
    /// </summary>
    public static string Ensure(string dir, string stampFile, string stamp, Action<string> write)
    {
        var stampPath = Path.Combine(dir, stampFile);
        if (IsStamped(stampPath, stamp)) return dir;

        var parent = Path.GetDirectoryName(Path.GetFullPath(dir))!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(dir)}.{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            write(staging);
            File.WriteAllText(Path.Combine(staging, stampFile), stamp);
        }
        catch
        {
            Directory.Delete(staging, recursive: true);
            throw;
        }
        try
        {
            if (IsStamped(stampPath, stamp))
            {
                // Another process finished the same folder while this one wrote: keep theirs, which may be in use.
                Directory.Delete(staging, recursive: true);
                return dir;
            }
            if (Directory.Exists(dir))
            {
                var old = staging + ".old";
                Directory.Move(dir, old);
                Directory.Delete(old, recursive: true);
            }
            Directory.Move(staging, dir);
        }
        catch (IOException) when (IsStamped(stampPath, stamp))
        {
            // Another process put the same folder in place first.
            Directory.Delete(staging, recursive: true);
        }
        return dir;
    }

    private static bool IsStamped(string stampPath, string stamp) => File.Exists(stampPath) && File.ReadAllText(stampPath) == stamp;
}
