using BioEval.Models.Tiny;

namespace BioEval.Models.Tests.Tiny;

/// <summary>Writes the tiny model once per test class into a temporary folder.</summary>
public sealed class TinyModelFixture : IDisposable
{
    public const int Seed = 7;

    public TinyModelFixture()
    {
        Dir = Path.Combine(Path.GetTempPath(), "bioeval-tiny-" + Guid.NewGuid().ToString("N"));
        TinyModelBuilder.Write(Dir, Seed);
        Weights = TinyLlamaWeights.Create(new TinyLlamaConfig(), Seed);
    }

    public string Dir { get; }

    public TinyLlamaWeights Weights { get; }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
