using System.Numerics;
using System.Text.Json;
using BioEval.Harness.Metrics;
using BioEval.Harness.Protocol;
using BioEval.Harness.Registry;
using BioEval.Harness.Results;
using BioEval.Harness.Runs;
using BioEval.Harness.Tasks;
using BioEval.Harness.Tasks.LongHealth;
using BioEval.Models.Baselines;

namespace BioEval.Harness.Tests.Runs;

/// <summary>results.json is a versioned contract, written and read back by the same types.</summary>
public sealed class ResultsContractTests
{
    internal static async Task<TaskResult> LongHealthOnOracle(string model = "oracle")
    {
        var path = Tasks.DatasetFixtures.Path("LongHealth", "benchmark_v5.json");
        var task = LongHealthTask.Create(new TaskEnvironment(ProtocolOptions.Default, ""));
        var client = model == "oracle" ? (Microsoft.Extensions.AI.IChatClient)new OracleChatClient(model) : new MajorityChatClient(model, "");
        return await TaskEvaluator.EvaluateAsync(PreparedTask.Load(task, path, ProtocolOptions.Default), model, client,
            new EvalOptions(DecodingSettings.Greedy, ProtocolOptions.Default, Limit: 2), cancellationToken: TestContext.Current.CancellationToken);
    }

    internal static ResultsDocument Document(params TaskResult[] results) =>
        RunStore.Results(RunProfile.Load("embedded", new Dictionary<string, string?>
        {
            ["BIOEVAL_SEED"] = "-123456789012345678901234567890",
            ["BIOEVAL_TEMPERATURE"] = "1",
        }), new ModelRegistry([], [new ModelPair("oracle", "majority")]), results, DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task ADocumentWrittenIsReadBackEqual()
    {
        var written = Document(await LongHealthOnOracle(), await LongHealthOnOracle("majority"));
        Assert.Equal(3, written.Comparisons.Count); // the pair oracle → majority on LongHealth's three headline metrics
        var read = ResultsFile.Parse(ResultsFile.Serialize(written), "results.json");
        // Records compare lists by reference: compare what they hold.
        Assert.Equal(written with { Pairs = [], Results = [], Comparisons = [] }, read with { Pairs = [], Results = [], Comparisons = [] });
        Assert.Equal(written.Pairs, read.Pairs);
        Assert.Equal(written.Comparisons, read.Comparisons);
        Assert.Equal(written.Results.Count, read.Results.Count);
        foreach (var (w, r) in written.Results.Zip(read.Results))
        {
            Assert.Equal(w with { Scores = [], PromptBudgets = null }, r with { Scores = [], PromptBudgets = null });
            Assert.Equal(w.Scores, r.Scores);
            Assert.Equal(w.PromptBudgets, r.PromptBudgets);
        }
        Assert.Equal(BigInteger.Parse("-123456789012345678901234567890"), read.Config.Decoding.Seed);
    }

    [Fact]
    public async Task TheFileSpellsTheContractInSnakeCaseWithDirectionsAndUnits()
    {
        var json = JsonDocument.Parse(ResultsFile.Serialize(Document(await LongHealthOnOracle(), await LongHealthOnOracle("majority")))).RootElement;
        Assert.Equal(ResultsDocument.CurrentSchemaVersion, json.GetProperty("schema_version").GetInt32());
        Assert.Equal("-123456789012345678901234567890", json.GetProperty("config").GetProperty("decoding").GetProperty("seed").GetRawText());
        var result = json.GetProperty("results")[0];
        Assert.Equal(Tasks.DatasetFixtures.Path("LongHealth", "benchmark_v5.json"), result.GetProperty("dataset_path").GetString());
        Assert.Equal("benchmark_v5.json", result.GetProperty("dataset_file").GetString());
        Assert.Equal("generate", result.GetProperty("scoring").GetString());
        var score = result.GetProperty("scores")[0];
        Assert.Equal(["name", "value", "direction", "unit", "headline"], score.EnumerateObject().Select(p => p.Name));
        Assert.Equal("higher_is_better", score.GetProperty("direction").GetString());
        Assert.Equal("fraction", score.GetProperty("unit").GetString());
        var comparison = json.GetProperty("comparisons")[0];
        // Each pair's verdict, p-value and interval sit flat in its entry.
        Assert.Equal(["task", "base", "bio", "metric", "direction", "samples", "clusters", "base_mean", "bio_mean",
                "verdict", "delta", "ci_low", "ci_high", "p_value", "adjusted_p_value", "test", "adjustment", "alpha", "reason", "scoring"],
            comparison.EnumerateObject().Select(p => p.Name));
        Assert.Contains(comparison.GetProperty("verdict").GetString(), new[] { "better", "worse", "no_significant_difference" });
        Assert.Equal(["resamples", "seed", "alpha", "adjustment", "confidence"], json.GetProperty("config").GetProperty("statistics").EnumerateObject().Select(p => p.Name));
        var budgets = result.GetProperty("prompt_budgets");
        Assert.Equal(50, budgets.GetProperty("max_new_tokens").GetInt32());
        Assert.Equal(budgets.GetProperty("context_length").GetInt32() - 50, budgets.GetProperty("prompt_limit").GetInt32());
    }

    [Fact]
    public async Task ATaskThatPacksNothingHasNoBudgets()
    {
        var result = await TaskEvaluator.EvaluateAsync(new PreparedTask(TestTasks.Echo(), TestTasks.Pack, "echo.jsonl", "0", TestTasks.Samples(4)),
            "oracle", new OracleChatClient("oracle"), new EvalOptions(DecodingSettings.Greedy, ProtocolOptions.Default), cancellationToken: TestContext.Current.CancellationToken);
        var json = JsonDocument.Parse(ResultsFile.Serialize(Document(result))).RootElement.GetProperty("results")[0];
        Assert.False(json.TryGetProperty("prompt_budgets", out _));
    }

    [Theory]
    [InlineData("""{"format_version": 1, "results": []}""", "no \"schema_version\"")]
    [InlineData("""{"schema_version": 99}""", "schema version 99 is not the 6")]
    [InlineData("""{"schema_version": 6, "results": "none"}""", "does not match the results contract")]
    [InlineData("""{"schema_version": 6,""", ":1:21: invalid JSON: ")]
    [InlineData("""{"schema_version": 6}""", "does not match the results contract")]
    public void AFileOfAnotherShapeIsRefusedSayingWhy(string json, string expected) =>
        Assert.Contains(expected, Assert.Throws<InvalidDataException>(() => ResultsFile.Parse(json, "old/results.json")).Message);

    [Fact]
    public void AMetricValueKnowsWhichWayIsBetter()
    {
        Assert.Equal(0.1, new MetricValue("acc", 0.5, MetricDirection.HigherIsBetter, MetricInfo.Fraction).Improvement(0.6), 12);
        Assert.Equal(-0.1, new MetricValue("error", 0.5, MetricDirection.LowerIsBetter, MetricInfo.Fraction).Improvement(0.6), 12);
    }
}
