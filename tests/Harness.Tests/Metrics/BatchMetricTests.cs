using BioEval.Harness.Gates;
using BioEval.Harness.Metrics;
using BioEval.Harness.Protocol;
using BioEval.Harness.Runs;
using BioEval.Harness.Tasks;
using BioEval.Models.Baselines;

namespace BioEval.Harness.Tests.Metrics;

/// <summary>
/// Model-based metrics score all samples of a task in one call, with resources the run owns; their values join the
/// per-sample scores, their means the task's, and what computed them is recorded beside them.
/// </summary>
public sealed class BatchMetricTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bioeval-batch-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Scores each sample by its position, and counts its calls.</summary>
    private sealed class Positional : IBatchMetric
    {
        public int Calls;
        public IReadOnlyList<MetricInfo> Outputs { get; } = [new("position", Headline: true, Tolerance: 1e-4)];
        public MetricModel Model { get; } = new("position", "counter", "by index", new Dictionary<string, string> { ["counter.bin"] = "00ff" });

        public Task<IReadOnlyList<IReadOnlyDictionary<string, double>>> ScoreAsync(IReadOnlyList<ScoringInput> inputs, CancellationToken cancellationToken = default)
        {
            Calls++;
            return Task.FromResult<IReadOnlyList<IReadOnlyDictionary<string, double>>>(
                [.. inputs.Select((_, i) => (IReadOnlyDictionary<string, double>)new Dictionary<string, double> { ["position"] = i })]);
        }
    }

    [Theory]
    [InlineData(Averaging.Mean, 1.5)]                 // (0 + 1 + 2 + 3) / 4
    [InlineData(Averaging.FirstSampleTwice, 1.2)]     // (0 + 0 + 1 + 2 + 3) / 5, as the reference averages these tasks
    public async Task ValuesJoinThePerSampleScoresAndTheirMeanTheTaskScore(Averaging averaging, double expected)
    {
        var metric = new Positional();
        var task = TestTasks.Echo(averaging: averaging);
        var withBatch = new TaskDefinition(task.Name, task.Version, task.DataFile, task.Loader, task.PromptPack, task.FewShot, task.MaxNewTokens, task.Parser, task.Metrics,
            Averaging: averaging) { BatchMetrics = [metric] };
        var prepared = new PreparedTask(withBatch, TestTasks.Pack, "echo.jsonl", "00", TestTasks.Samples(6));
        var result = await TaskEvaluator.EvaluateAsync(prepared, "oracle", new OracleChatClient("oracle"), new EvalOptions(DecodingSettings.Greedy, ProtocolOptions.Default),
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(1, metric.Calls);
        Assert.Equal([0.0, 1, 2, 3], result.Predictions.Select(p => p.Scores["position"]));
        Assert.Equal(1.0, result.Scores["exact"]);
        Assert.Equal(expected, result.Scores["position"], 12);
        Assert.True(result.Metrics.Single(m => m.Name == "position").Headline);
        Assert.Equal(metric.Model, Assert.Single(result.MetricModels!));
        Assert.Contains(withBatch.MetricOutputs, o => o.Name == "position");
    }

    [Fact]
    public void ASnapshotAllowsAModelBasedMetricItsKernelTolerance()
    {
        MetricInfo[] metrics = [new("bertscore_f1", Tolerance: 1e-4), new("rougeL")];
        var snapshot = new Dictionary<string, double> { ["bertscore_f1"] = 0.5, ["rougeL"] = 0.5 };
        Assert.Empty(ScoreSnapshot.Declines("m", snapshot, new Dictionary<string, double> { ["bertscore_f1"] = 0.49995, ["rougeL"] = 0.5 }, metrics, 1e-6));
        var declines = ScoreSnapshot.Declines("m", snapshot, new Dictionary<string, double> { ["bertscore_f1"] = 0.4998, ["rougeL"] = 0.49995 }, metrics, 1e-6);
        Assert.Equal(["bertscore_f1", "rougeL"], declines.Select(d => d.Metric));
    }

    [Fact]
    public async Task TheEmbeddedProfileScoresSummariesWithTheEmbeddedEncoderAndNamesIt()
    {
        await using var session = new BenchmarkSession(RunProfile.Load("embedded", new Dictionary<string, string?>
        {
            ["BIOEVAL_TASKS"] = "MeQSum", ["BIOEVAL_LIMIT"] = "2", ["BIOEVAL_OUT"] = Path.Combine(_dir, "out"),
        }));
        var ct = TestContext.Current.CancellationToken;
        var oracle = await session.ResultAsync("MeQSum", "oracle", ct);
        var majority = await session.ResultAsync("MeQSum", "majority", ct);

        Assert.Equal(1.0, oracle.Scores["bertscore_f1"], 9);
        Assert.InRange(majority.Scores["bertscore_f1"], 0.01, 0.99);
        Assert.True(oracle.Metrics.Single(m => m.Name == "bertscore_f1").Headline);
        var model = Assert.Single(oracle.MetricModels!);
        Assert.Equal(("bertscore", Models.Encoders.EmbeddedMiniLm.Name), (model.Metric, model.Name));
        Assert.Equal(64, model.Files["model.onnx"].Length);
        // One encoder serves the run: both models' results name the same files.
        Assert.Equal(model, Assert.Single(majority.MetricModels!));
        var written = session.Write();
        Assert.Contains("\"metric_models\"", File.ReadAllText(written.ResultsJson));
        Assert.Contains("BERTScore computed with all-MiniLM-L6-v2", File.ReadAllText(written.ReportMarkdown));
        Assert.Contains("not comparable with them", File.ReadAllText(written.ReportHtml));
    }

    [Fact]
    public async Task ProblemSummaryAndMeDiSumQaScoreUmlsConceptsWithTheProfilesLexiconAndNameIt()
    {
        await using var session = new BenchmarkSession(RunProfile.Load("embedded", new Dictionary<string, string?>
        {
            ["BIOEVAL_TASKS"] = "ProblemSummary,MeQSum", ["BIOEVAL_LIMIT"] = "3", ["BIOEVAL_OUT"] = Path.Combine(_dir, "umls"),
        }));
        var ct = TestContext.Current.CancellationToken;
        var oracle = await session.ResultAsync("ProblemSummary", "oracle", ct);
        // The oracle writes the reference: every sample whose reference names a concept of the lexicon scores 1.
        Assert.All(oracle.Predictions, p => Assert.Contains(p.Scores["umls_f1"], new[] { 0.0, 1.0 }));
        Assert.Contains(oracle.Predictions, p => p.Scores["umls_f1"] == 1.0);
        var lexicon = session.Profile.UmlsLexicon!;
        var umls = Assert.Single(oracle.MetricModels!, m => m.Metric == "umls");
        Assert.Equal("MRCONSO.RRF", umls.Name);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(lexicon))), umls.Files["MRCONSO.RRF"]);
        Assert.True(oracle.Metrics.Single(m => m.Name == "umls_f1").Headline);
        // MeQSum is not scored with UMLS concepts, as in the reference.
        Assert.DoesNotContain("umls_f1", (await session.ResultAsync("MeQSum", "oracle", ct)).Scores.Keys);
    }

    [Fact]
    public async Task BertScoreCanBeTurnedOffAndAFolderThatIsNoEncoderIsAPreflightProblem()
    {
        await using (var off = new BenchmarkSession(RunProfile.Load("embedded", new Dictionary<string, string?>
        {
            ["BIOEVAL_TASKS"] = "MeQSum", ["BIOEVAL_LIMIT"] = "1", ["BIOEVAL_OUT"] = Path.Combine(_dir, "off"), ["BIOEVAL_BERTSCORE_MODEL"] = "none",
        })))
        {
            var result = await off.ResultAsync("MeQSum", "oracle", TestContext.Current.CancellationToken);
            Assert.DoesNotContain("bertscore_f1", result.Scores.Keys);
            Assert.Null(result.MetricModels);
        }

        var empty = Directory.CreateDirectory(Path.Combine(_dir, "not-an-encoder")).FullName;
        await using var wrong = new BenchmarkSession(RunProfile.Load("embedded", new Dictionary<string, string?>
        {
            ["BIOEVAL_TASKS"] = "MeQSum", ["BIOEVAL_OUT"] = Path.Combine(_dir, "wrong"), ["BIOEVAL_BERTSCORE_MODEL"] = empty,
        }));
        Assert.Equal([$"BIOEVAL_BERTSCORE_MODEL: {empty} holds no model.onnx (export the encoder to ONNX; see README, BERTScore).",
            $"BIOEVAL_BERTSCORE_MODEL: {empty} holds neither tokenizer.json nor vocab.txt."], wrong.Preflight());
    }
}
