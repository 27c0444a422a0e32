using BioEval.Harness.Datasets;
using BioEval.Harness.Metrics;
using BioEval.Harness.Prompts;
using BioEval.Harness.Tasks;

namespace BioEval.Harness.Tests;

/// <summary>A minimal task for testing the runner without any real dataset: exact-match on a word.</summary>
internal static class TestTasks
{
    public static readonly PromptPack Pack = new("Echo", "Answer with one word.", "Say {word}.", "{reference}");

    public static IReadOnlyList<Sample> Samples(int n) =>
        [.. Enumerable.Range(1, n).Select(i => new Sample($"s{i}", new Dictionary<string, string> { ["word"] = $"w{i}" }, $"w{i}"))];

    public static TaskDefinition Echo(int fewShot = 2, Averaging averaging = Averaging.Mean) =>
        new("Echo", 1, "echo.jsonl", new ListLoader(Samples(6)), "Echo", fewShot, 5, IdentityParser.Instance, [new ExactMatch()], Averaging: averaging);

    public sealed class ListLoader(IReadOnlyList<Sample> samples) : IDatasetLoader
    {
        public IReadOnlyList<Sample> Load(string path) => samples;
    }

    public sealed class ExactMatch : ISampleMetric
    {
        public IReadOnlyList<MetricInfo> Outputs { get; } = [new("exact")];

        public IReadOnlyDictionary<string, double> Score(ScoringInput input) =>
            new Dictionary<string, double> { ["exact"] = input.Parsed == input.Sample.Reference ? 1 : 0 };
    }
}
