using System.Security.Cryptography;
using System.Text;

namespace BioEval.Models;

/// <summary>
/// What a model is, as far as its outputs go: the backend kind, the options that change outputs, and a digest of every
/// file of its folder (relative name, size, SHA-256 of the first and the last MiB, which is the whole file up to 2 MiB,
/// so configs, tokenizers and templates are hashed whole and multi-GB weights in milliseconds) and of a chat-template
/// file given as an option. Checkpoints are keyed by it, so pointing a registry name at other weights or another
/// template never reuses old outputs. Options that change only speed (threads, batch limits, device, concurrency,
/// timeouts) are left out, so resuming on another machine or device reuses outputs.
/// </summary>
public sealed record ModelIdentity(string Hash)
{
    private const int Edge = 1 << 20;

    /// <summary>Options that do not change what a model answers.</summary>
    public static readonly IReadOnlySet<string> SpeedOnlyOptions = new HashSet<string>(StringComparer.Ordinal)
    {
        "threads", "max_batch_size", "max_batch_tokens", "device", "max_concurrency", "timeout_s", "max_retries", "api_key_env",
    };

    /// <summary>The identity of <paramref name="spec"/>; its folder (when it has one) must exist, as after loading the model.</summary>
    public static ModelIdentity Of(ModelSpec spec)
    {
        var text = new StringBuilder();
        text.Append("kind\0").Append(spec.Kind.ToLowerInvariant()).Append('\n');
        foreach (var (key, value) in (spec.Options ?? new Dictionary<string, string>()).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (SpeedOnlyOptions.Contains(key)) continue;
            text.Append("option\0").Append(key).Append('\0').Append(value).Append('\n');
            if (key == "chat_template" && File.Exists(value)) text.Append("template\0").Append(FileDigest(value)).Append('\n');
        }
        if (spec.Path is { } folder && Directory.Exists(folder))
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Where(f => !f.EndsWith(".stamp", StringComparison.Ordinal))
                .Select(f => (Name: Path.GetRelativePath(folder, f).Replace('\\', '/'), Full: f))
                .OrderBy(f => f.Name, StringComparer.Ordinal))
                text.Append("file\0").Append(file.Name).Append('\0').Append(FileDigest(file.Full)).Append('\n');
        return new ModelIdentity(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))));
    }

    /// <summary>"size:sha256(first MiB + last MiB)" of a file (the whole file when it is at most 2 MiB).</summary>
    public static string FileDigest(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var length = stream.Length;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[Edge];
        if (length <= 2L * Edge)
        {
            Feed(stream, hash, buffer, length);
        }
        else
        {
            Feed(stream, hash, buffer, Edge);
            stream.Seek(-Edge, SeekOrigin.End);
            Feed(stream, hash, buffer, Edge);
        }
        return $"{length}:{Convert.ToHexStringLower(hash.GetHashAndReset())}";
    }

    private static void Feed(Stream stream, IncrementalHash hash, byte[] buffer, long count)
    {
        while (count > 0)
        {
            var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
            if (read == 0) break;
            hash.AppendData(buffer, 0, read);
            count -= read;
        }
    }
}
