using System.Globalization;

namespace BioEval.Harness.Runs;

/// <summary>Raised when another run holds the output folder; the message names that process.</summary>
public sealed class OutputLockedException(string message) : IOException(message);

/// <summary>
/// An exclusive lock on a run's output folder, held from the start of a run to its end, so two runs never write into
/// one folder. It is an operating-system file lock on <c>.bioeval.lock</c> (flock on Unix, a sharing lock on
/// Windows): the kernel drops it when the process ends however it ends, so a killed run never leaves a stale lock.
/// Who holds it is written beside it, in <c>.bioeval.lock.owner</c>, for the message the next run prints.
/// </summary>
public sealed class OutputLock : IDisposable
{
    public const string FileName = ".bioeval.lock";
    public const string OwnerFileName = ".bioeval.lock.owner";

    private readonly FileStream _handle;

    private OutputLock(string folder, FileStream handle)
    {
        Folder = folder;
        _handle = handle;
    }

    /// <summary>The locked folder (full path).</summary>
    public string Folder { get; }

    /// <summary>Creates <paramref name="folder"/> if needed and takes its lock, or throws at once naming the holder.</summary>
    /// <exception cref="OutputLockedException">another process (or another run of this one) holds the folder</exception>
    /// <exception cref="IOException">the folder cannot be created (e.g. a path component is a regular file)</exception>
    public static OutputLock Acquire(string folder)
    {
        folder = Path.GetFullPath(folder);
        EnsureFolder(folder);
        var path = Path.Combine(folder, FileName);
        FileStream handle;
        try
        {
            handle = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new OutputLockedException($"Output folder {folder} is in use by another BioEval run ({Owner(folder)}). Wait for it to finish, or write elsewhere (--out or BIOEVAL_OUT).");
        }
        var owner = string.Create(CultureInfo.InvariantCulture,
            $"pid {Environment.ProcessId} on {Environment.MachineName}, started {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss} UTC, {Environment.CommandLine}");
        File.WriteAllText(Path.Combine(folder, OwnerFileName), owner + "\n");
        return new OutputLock(folder, handle);
    }

    /// <summary>Creates a folder, saying plainly which part of the path is in the way when that fails.</summary>
    public static void EnsureFolder(string folder)
    {
        for (var dir = new DirectoryInfo(folder); dir is not null; dir = dir.Parent)
            if (File.Exists(dir.FullName))
                throw new IOException($"Cannot create output folder {folder}: {dir.FullName} is a file, not a folder.");
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException($"Cannot create output folder {folder}: {e.Message}", e);
        }
    }

    private static string Owner(string folder)
    {
        try
        {
            return File.ReadAllText(Path.Combine(folder, OwnerFileName)).Trim();
        }
        catch (IOException)
        {
            return "holder unknown";
        }
    }

    public void Dispose()
    {
        // The owner note goes first, while the lock still keeps other runs out.
        try { File.Delete(Path.Combine(Folder, OwnerFileName)); } catch (IOException) { }
        _handle.Dispose();
    }
}
