using BioEval.Models.Encoders;

namespace BioEval.TestSupport;

/// <summary>
/// The embedded encoder (all-MiniLM-L6-v2) as <c>bioeval score --metric bertscore</c> finds it: extracted once into the
/// checkout's .cache/encoders, from the package assembly the build puts beside the test binaries.
/// </summary>
internal static class MiniLm
{
    private static readonly Lazy<string> LazyFolder = new(() => EmbeddedMiniLm.Ensure(Path.Combine(Repository.Root, EmbeddedMiniLm.RelativeDir)));

    /// <summary>The model folder (model.onnx, vocab.txt, config.json, tokenizer_config.json).</summary>
    public static string Folder => LazyFolder.Value;

    /// <summary>A new encoder on the CPU with <paramref name="threads"/> intra-op threads; the caller disposes it.</summary>
    public static BertEncoder Open(int threads = 1, string? folder = null) =>
        BertEncoder.Open(folder ?? Folder, new BertEncoderOptions { PreferCuda = false, IntraOpNumThreads = threads, Log = _ => { } });
}
