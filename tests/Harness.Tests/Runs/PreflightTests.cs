using BioEval.Harness.Runs;

namespace BioEval.Harness.Tests.Runs;

/// <summary>Before any model generates, everything a run reads is loaded and checked, and every problem is listed at once.</summary>
public sealed class PreflightTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bioeval-preflight-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    private static string MedNliLines(int n) => string.Concat(Enumerable.Range(1, n).Select(i =>
        $$"""{"sentence1": "a{{i}}", "sentence2": "b{{i}}", "gold_label": "neutral", "pairID": "{{i}}"}""" + "\n"));

    private async Task<IReadOnlyList<string>> Preflight(Dictionary<string, string?> settings)
    {
        settings["BIOEVAL_OUT"] = Path.Combine(_dir, "out");
        await using var session = new BenchmarkSession(RunProfile.Load("embedded", settings));
        return session.Preflight();
    }

    [Fact]
    public async Task TheEmbeddedProfileHasNoProblems()
    {
        Assert.Empty(await Preflight([]));
    }

    [Fact]
    public async Task LikelihoodScoringOfAServedModelWithoutItsTokenizerIsAProblemBeforeAnythingRuns()
    {
        var registry = File("models.json", """
            { "models": [ { "name": "base", "kind": "openai", "options": { "endpoint": "http://127.0.0.1:9/v1", "model": "m" } }, { "name": "bio", "kind": "oracle" } ],
              "pairs": [ { "base": "base", "bio": "bio" } ] }
            """);
        var mc = File("mc.json", """{"scores": [{"model": "base"}]}""");
        var problems = await Preflight(new() { ["BIOEVAL_MODELS"] = registry, ["BIOEVAL_TASKS"] = "PubMedQA", ["BIOEVAL_PUBLISHED_MC"] = mc });
        Assert.True(problems.Count == 2, string.Join("\n", problems));
        Assert.StartsWith($"BIOEVAL_PUBLISHED_MC: {mc}: scores[0] needs", problems[0]);
        Assert.Equal($"{registry}:1 model 'base': likelihood scoring (PubMedQA) sends the server token ids split by the model's own tokenizer; give the entry option \"tokenizer\", or run with --scoring generate.", problems[1]);
        // Generation alone needs no tokenizer.
        Assert.Empty(await Preflight(new() { ["BIOEVAL_MODELS"] = registry, ["BIOEVAL_TASKS"] = "PubMedQA", ["BIOEVAL_SCORING"] = "generate" }));
    }

    [Fact]
    public async Task EveryProblemOfDatasetsPacksAndModelsIsFoundAtOnce()
    {
        var registry = File("models.json", """
            { "models": [ { "name": "base", "kind": "onnx", "path": "no-such-folder" }, { "name": "bio", "kind": "oracle" },
                          { "name": "unpaired", "kind": "onnx", "path": "also-missing" } ],
              "pairs": [ { "base": "base", "bio": "bio" } ] }
            """);
        var pack = File("pack.json", """{"task": "MeQSum", "user": "{CHQ} {chq}", "assistant": "{reference}"}""");
        var problems = await Preflight(new()
        {
            ["BIOEVAL_MODELS"] = registry,
            ["BIOEVAL_TASKS"] = "MedNLI,ProblemSummary,MeQSum",
            ["BIOEVAL_DATA_MEDNLI"] = File("empty.jsonl", ""),
            ["BIOEVAL_DATA_PROBLEMSUMMARY"] = Path.Combine(_dir, "missing.csv"),
            ["BIOEVAL_PACK_MEQSUM"] = pack,
        });

        Assert.True(problems.Count == 4, string.Join("\n", problems));
        Assert.Equal($"MedNLI: {Path.Combine(_dir, "empty.jsonl")}: the dataset holds no samples.", problems[0]);
        Assert.StartsWith("ProblemSummary: Dataset of task ProblemSummary not found: " + Path.Combine(_dir, "missing.csv"), problems[1]);
        Assert.Equal($"MeQSum: prompt pack {pack} uses placeholder {{chq}}, which is no field of the task's samples (did you mean CHQ?). Known: {{CHQ}}, {{File}}, {{Summary}}, {{reference}}.", problems[2]);
        Assert.Equal($"{registry}:1 model 'base': model folder {Path.Combine(_dir, "no-such-folder")} does not exist.", problems[3]);
    }

    [Theory]
    [InlineData(3, "3 sample(s), but the task takes 3 few-shot example(s) from them and needs at least one more to evaluate.")]
    [InlineData(4, null)]
    public async Task ADatasetNeedsMoreSamplesThanFewShotExamples(int samples, string? expected)
    {
        var problems = await Preflight(new() { ["BIOEVAL_TASKS"] = "MedNLI", ["BIOEVAL_DATA_MEDNLI"] = File("few.jsonl", MedNliLines(samples)) });
        if (expected is null) Assert.Empty(problems);
        else Assert.Equal($"MedNLI: {Path.Combine(_dir, "few.jsonl")}: {expected}", Assert.Single(problems));
    }

    [Fact]
    public async Task MoreNerShotsThanTheTrainSplitHoldsIsAProblemNotASilentlySmallerNumber()
    {
        var problems = await Preflight(new() { ["BIOEVAL_TASKS"] = "NER", ["BIOEVAL_NER_SHOTS"] = "100000" });
        Assert.StartsWith("NER: BIOEVAL_NER_SHOTS asks for 100000 few-shot example(s), but the train split beside ", Assert.Single(problems));
    }

    [Fact]
    public async Task AnEvaluationOfAProfileWithProblemsFailsWithAllOfThemAndRunsNothing()
    {
        await using var session = new BenchmarkSession(RunProfile.Load("embedded", new Dictionary<string, string?>
        {
            ["BIOEVAL_OUT"] = Path.Combine(_dir, "out"), ["BIOEVAL_TASKS"] = "MedNLI", ["BIOEVAL_DATA_MEDNLI"] = File("empty.jsonl", ""),
        }));
        var e = await Assert.ThrowsAsync<ConfigurationException>(() => session.ResultAsync("MedNLI", "oracle", TestContext.Current.CancellationToken));
        Assert.Contains("the dataset holds no samples", e.Message);
        Assert.Empty(session.CompletedResults());
    }
}
