using System.Security.Cryptography;
using System.Text;

namespace BioEval.Harness.Metrics.Umls;

/// <summary>An index and where it came from.</summary>
/// <param name="Index">The index.</param>
/// <param name="CachePath">Its cache file.</param>
/// <param name="FromCache">Whether it was loaded from that file (else built from MRCONSO.RRF and written there).</param>
public sealed record CachedUmlsIndex(UmlsIndex Index, string CachePath, bool FromCache);

/// <summary>
/// Builds an MRCONSO.RRF's index once and reloads it afterwards: the file is <c>&lt;cache&gt;/&lt;key&gt;.umlsidx</c>,
/// the key a SHA-256 of the lexicon's full path, size and last-write time, the options and
/// <see cref="UmlsIndex.FormatVersion"/>. Editing the lexicon changes its size or time and so the key; a cache file
/// that does not load (another version, truncated) is built again.
/// </summary>
public static class UmlsIndexCache
{
    /// <summary>The cache file name's extension.</summary>
    public const string Extension = ".umlsidx";

    /// <summary>The index of <paramref name="mrconsoPath"/> from <paramref name="cacheDirectory"/>, built and written there first if needed.</summary>
    public static CachedUmlsIndex Open(string mrconsoPath, UmlsLexiconOptions options, string cacheDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cacheDirectory);
        var key = Key(mrconsoPath, options);
        var path = Path.Combine(cacheDirectory, key + Extension);
        if (File.Exists(path))
        {
            try
            {
                return new CachedUmlsIndex(UmlsIndex.Load(path, key), path, FromCache: true);
            }
            catch (InvalidDataException)
            {
                // Stale or damaged: built again below and overwritten.
            }
        }
        var index = UmlsIndex.Build(mrconsoPath, options);
        Directory.CreateDirectory(cacheDirectory);
        index.Save(path, key);
        return new CachedUmlsIndex(index, path, FromCache: false);
    }

    /// <summary>The cache key of a lexicon file with options (lower-case hex SHA-256).</summary>
    public static string Key(string mrconsoPath, UmlsLexiconOptions options)
    {
        ArgumentNullException.ThrowIfNull(mrconsoPath);
        ArgumentNullException.ThrowIfNull(options);
        var file = new FileInfo(mrconsoPath);
        if (!file.Exists) throw new FileNotFoundException($"UMLS file not found: {mrconsoPath}", mrconsoPath);
        var identity = string.Join('\n',
            $"format {UmlsIndex.FormatVersion}", file.FullName, file.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
            file.LastWriteTimeUtc.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "sources " + string.Join(',', options.CanonicalSources()));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)));
    }
}
