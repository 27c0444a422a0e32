using BioEval.Models.Onnx;
using BioEval.Models.Tests.Tiny;
using BioEval.Models.Tokenization;

namespace BioEval.Models.Tests.Onnx;

public sealed class PromptGenerationTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private static readonly OnnxSessionOptions Cpu = new() { PreferCuda = false, IntraOpNumThreads = 1, Log = _ => { } };

    [Fact]
    public void ThePromptBecomesOneUserTurnOfTheChatTemplateWithTheGenerationPrompt()
    {
        var result = PromptGeneration.Run(model.Dir, "Does the patient smoke?", 5, sessionOptions: Cpu);
        Assert.Equal("<|bos|><|user|>\nDoes the patient smoke?<|end|>\n<|assistant|>\n", result.PromptText);
        Assert.Equal("CPU", result.ExecutionProvider);
    }

    [Fact]
    public void GeneratedTokensAreTheGreedyContinuationOfTheRenderedPromptAndTheTextTheirDecoding()
    {
        var result = PromptGeneration.Run(model.Dir, "Does the patient smoke?", 12, sessionOptions: Cpu);
        var tokenizer = HfTokenizer.FromDirectory(model.Dir);
        var ids = tokenizer.Encode(result.PromptText, addSpecialTokens: false);
        using var session = OnnxDecoderSession.Open(model.Dir, Cpu);
        var expected = new Generator(session).Generate([ids], new GenerationOptions { MaxNewTokens = 12, StopTokenIds = [.. session.EosTokenIds, .. tokenizer.EosTokenIds] })[0];

        Assert.Equal(ids.Count, result.PromptTokens);
        Assert.Equal(expected.TokenIds, result.TokenIds);
        Assert.Equal(expected.FinishReason, result.FinishReason);
        Assert.Equal(tokenizer.Decode(expected.TokenIds, skipSpecialTokens: true), result.Text);
        Assert.InRange(result.TokenIds.Count, 1, 12);
    }

    [Fact]
    public void RawPromptsSkipTheTemplateAndGetTheTokenizersBos()
    {
        var result = PromptGeneration.Run(model.Dir, "The patient", 3, raw: true, sessionOptions: Cpu);
        var tokenizer = HfTokenizer.FromDirectory(model.Dir);
        Assert.Equal("The patient", result.PromptText);
        Assert.Equal(tokenizer.Encode("The patient", addSpecialTokens: true).Count, result.PromptTokens);
    }

    [Fact]
    public void AMissingModelFolderIsReportedByName()
    {
        var missing = Path.Combine(Path.GetTempPath(), "bioeval-no-such-model-" + Guid.NewGuid().ToString("N"));
        var error = Assert.Throws<DirectoryNotFoundException>(() => PromptGeneration.Run(missing, "hi", 4, sessionOptions: Cpu));
        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void AFolderWithoutATokenizerIsReportedByFile()
    {
        var empty = Directory.CreateTempSubdirectory("bioeval-empty-model-").FullName;
        try
        {
            var error = Assert.Throws<FileNotFoundException>(() => PromptGeneration.Run(empty, "hi", 4, sessionOptions: Cpu));
            Assert.Contains("tokenizer.json", error.Message);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }
}
