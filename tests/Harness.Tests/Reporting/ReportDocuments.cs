using BioEval.Harness.Metrics;
using BioEval.Harness.Registry;
using BioEval.Harness.Results;
using BioEval.Harness.Runs;

namespace BioEval.Harness.Tests.Reporting;

/// <summary>Crafted runs with per-sample scores, for the reports' tests.</summary>
internal static class ReportDocuments
{
    /// <summary>A MedNLI result of <paramref name="model"/>: the first <paramref name="right"/> of 20 samples correct (one more in each further repeat).</summary>
    public static TaskResult MedNli(string model, int right, int repeats = 1, string task = "MedNLI") => new(
        task, 1, model, [new MetricValue("accuracy", right / 20.0, MetricDirection.HigherIsBetter, MetricInfo.Fraction, Headline: true)],
        Samples: 20, Prompts: 20 * repeats, "mli_test_v1.jsonl", new string('a', 64), new string('b', 64), "test/CPU", 1.5,
        [.. Enumerable.Range(0, repeats).SelectMany(k => Enumerable.Range(0, 20).Select(i =>
            new PredictionLine(task, model, $"s{i}", $"s{i}", k, "h", "out", "p", new Dictionary<string, double> { ["accuracy"] = i < right + k ? 1 : 0 })))]);

    /// <summary>Two pairs of the paper: one much better (20 vs 2 right), one much worse (2 vs 20).</summary>
    public static ResultsDocument PaperPairs() => RunStore.Results(RunProfile.Load("embedded"),
        new ModelRegistry([], [new ModelPair("meta-llama/Meta-Llama-3-8B-Instruct", "aaditya/Llama3-OpenBioLLM-8B"), new ModelPair("Mistral-7B-Instruct-v0.1", "BioMistral-7B")]),
        [MedNli("meta-llama/Meta-Llama-3-8B-Instruct", 2), MedNli("aaditya/Llama3-OpenBioLLM-8B", 20), MedNli("Mistral-7B-Instruct-v0.1", 20), MedNli("BioMistral-7B", 2)],
        DateTimeOffset.UnixEpoch);

    /// <summary>A published-scores file with hand-written figures.</summary>
    public static string PublishedFile(string dir)
    {
        var path = Path.Combine(dir, "published.json");
        File.WriteAllText(path, """
            {"source": "hand-written test figures",
             "tasks": {
               "MedNLI": {"Meta-Llama-3-8B-Instruct": {"ACCURACY": 70.5}, "Llama3-OpenBioLLM-8B": {"ACCURACY": 40.25}},
               "Problem Summary": {"BioMistral-7B": {"ROUGE_L": 12.5, "BERT_F1": 60}}
             }}
            """);
        return path;
    }
}
