using BioEval.Models.Onnx;
using BioEval.Models.Tiny;
using Microsoft.ML.OnnxRuntime;

namespace BioEval.Models.Tests.Tiny;

public sealed class TinyOnnxGraphTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private const float Tolerance = 1e-4f;

    public static TheoryData<int[]> Prompts => new()
    {
        new[] { 505 },
        new[] { 505, 10, 300, 77, 12 },
        new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 },
        new[] { 511, 0, 255, 480, 509, 100, 100, 100 },
    };

    [Theory]
    [MemberData(nameof(Prompts))]
    public void OnnxLogitsEqualTheReferenceForwardPass(int[] prompt)
    {
        var expected = TinyLlamaReference.Forward(model.Weights, prompt);
        var actual = RunRaw(model, [prompt], padTo: prompt.Length);
        AssertClose(expected, actual);
    }

    [Fact]
    public void LeftPaddedRowsMatchTheirUnpaddedReference()
    {
        int[] shortPrompt = [505, 40, 41];
        int[] longPrompt = [505, 1, 2, 3, 4, 5, 6];
        var logits = RunRaw(model, [shortPrompt, longPrompt], padTo: longPrompt.Length);
        var vocab = model.Weights.Config.VocabSize;
        var pad = longPrompt.Length - shortPrompt.Length;
        var shortActual = logits.AsSpan(pad * vocab, shortPrompt.Length * vocab).ToArray();
        var longActual = logits.AsSpan(longPrompt.Length * vocab, longPrompt.Length * vocab).ToArray();
        AssertClose(TinyLlamaReference.Forward(model.Weights, shortPrompt), shortActual);
        AssertClose(TinyLlamaReference.Forward(model.Weights, longPrompt), longActual);
    }

    internal static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = 0f;
        var at = -1;
        for (var i = 0; i < expected.Length; i++)
        {
            var diff = MathF.Abs(expected[i] - actual[i]);
            if (!(diff <= worst)) { worst = diff; at = i; }
        }
        Assert.True(worst <= Tolerance, $"Largest difference {worst} at {at} (expected {(at >= 0 ? expected[at] : 0)}, got {(at >= 0 ? actual[at] : 0)}).");
    }

    // Runs model.onnx directly (no engine code) on left-padded rows with an empty cache: logits [B, S, V].
    private static float[] RunRaw(TinyModelFixture model, int[][] rows, int padTo)
    {
        var c = model.Weights.Config;
        using var session = new InferenceSession(Path.Combine(model.Dir, TinyModelBuilder.ModelFile));
        var b = rows.Length;
        var ids = new long[b * padTo];
        var mask = new long[b * padTo];
        var pos = new long[b * padTo];
        for (var r = 0; r < b; r++)
        {
            var offset = padTo - rows[r].Length;
            for (var t = 0; t < rows[r].Length; t++)
            {
                ids[r * padTo + offset + t] = rows[r][t];
                mask[r * padTo + offset + t] = 1;
                pos[r * padTo + offset + t] = t;
            }
        }
        var names = new List<string> { OptimumNames.InputIds, OptimumNames.AttentionMask, OptimumNames.PositionIds };
        var values = new List<OrtValue>
        {
            OrtValue.CreateTensorValueFromMemory(ids, [b, padTo]),
            OrtValue.CreateTensorValueFromMemory(mask, [b, padTo]),
            OrtValue.CreateTensorValueFromMemory(pos, [b, padTo]),
        };
        for (var l = 0; l < c.NumHiddenLayers; l++)
        {
            names.Add(OptimumNames.PastKey(l));
            values.Add(OrtValue.CreateTensorValueFromMemory(Array.Empty<float>(), [b, c.NumKeyValueHeads, 0, c.HeadDim]));
            names.Add(OptimumNames.PastValue(l));
            values.Add(OrtValue.CreateTensorValueFromMemory(Array.Empty<float>(), [b, c.NumKeyValueHeads, 0, c.HeadDim]));
        }
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, names, values, [OptimumNames.Logits]);
        var result = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        foreach (var v in values) v.Dispose();
        return result;
    }
}
