using BioEval.Models.Gguf;
using BioEval.Models.Tiny;

namespace BioEval.CrossCheck.Tests;

/// <summary>
/// The embedded tiny models (seeds 1 and 2) written once per test class, each with its GGUF export and, for the
/// negative control, an export that skips the rotary reordering.
/// </summary>
public sealed class TinyGgufFixture : IDisposable
{
    public static readonly int[] Seeds = [1, 2];

    public TinyGgufFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "bioeval-crosscheck-" + Guid.NewGuid().ToString("N"));
        foreach (var seed in Seeds)
        {
            TinyModelBuilder.Write(ModelDir(seed), seed);
            LlamaGgufExporter.Export(ModelDir(seed), Gguf(seed));
            LlamaGgufExporter.Export(ModelDir(seed), WrongRotaryGguf(seed), permuteRotary: false);
        }
    }

    public string Root { get; }

    public string ModelDir(int seed) => Path.Combine(Root, $"tiny-{seed}");

    public string Gguf(int seed) => Path.Combine(Root, $"tiny-{seed}.gguf");

    public string WrongRotaryGguf(int seed) => Path.Combine(Root, $"tiny-{seed}-hf-rotary.gguf");

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
