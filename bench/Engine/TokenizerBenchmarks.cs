using BenchmarkDotNet.Attributes;
using BioEval.Models.Tokenization;

namespace BioEval.Bench.Engine;

/// <summary>Encoding a clinical note of about 2,000 characters with the tiny model's byte-level BPE tokenizer.</summary>
[MemoryDiagnoser]
public class TokenizerBenchmarks
{
    private HfTokenizer? _tokenizer;
    private string _text = "";

    [GlobalSetup]
    public void Setup()
    {
        _tokenizer = HfTokenizer.FromDirectory(BenchModel.Ensure());
        const string note = "The patient is a sixty year old woman who presents with shortness of breath and a dry cough. " +
                            "Blood pressure 142/88 mmHg, heart rate 96 beats per minute, temperature 37.1 C. " +
                            "Assessment: acute exacerbation of asthma. Plan: inhaled corticosteroids, follow up in two weeks. ";
        _text = string.Concat(Enumerable.Repeat(note, 7));
    }

    [Benchmark]
    public int Encode() => _tokenizer!.Encode(_text, addSpecialTokens: true).Count;
}
