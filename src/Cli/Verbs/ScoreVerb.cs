using System.CommandLine;
using System.Diagnostics;
using BioEval.Harness.Metrics;
using BioEval.Harness.Metrics.Umls;
using BioEval.Harness.Runs;
using BioEval.Harness.Scoring;
using BioEval.Models.Encoders;

namespace BioEval.Cli.Verbs;

/// <summary><c>bioeval score</c>: per-example metric values for a JSON-lines file (parity checks against the reference).</summary>
internal static class ScoreVerb
{
    public static Command Create()
    {
        var metric = new Option<string>("--metric")
        {
            Description = $"Metric to compute: {string.Join(", ", ScoreFile.MetricNames)}.",
            Required = true,
        };
        var input = new Option<string>("--input")
        {
            Description = "JSON-lines file of {\"id\",\"prediction\",\"reference\"} records (reference: a string, or an array of codes for icd).",
            Required = true,
        };
        var codes = new Option<string?>("--codes")
        {
            Description = "ICD-10-CM code list (CMS codes or order file, or one code per line); adds valid_ratio for icd.",
        };
        var model = new Option<string?>("--model")
        {
            Description = $"bertscore: encoder folder (model.onnx and tokenizer.json or vocab.txt); default: the embedded {EmbeddedMiniLm.Name}, extracted into {EmbeddedMiniLm.RelativeDir}.",
        };
        var layer = new Option<int?>("--layer") { Description = "bertscore: the hidden layer whose states are compared (default: the model's last)." };
        var threads = new Option<int?>("--threads") { Description = "bertscore: intra-op threads of the encoder (default: all cores)." };
        var lexicon = new Option<string?>("--lexicon") { Description = "umls: the UMLS MRCONSO.RRF file (your own licensed copy)." };
        var sources = new Option<string?>("--sources") { Description = "umls: source vocabularies (SAB) to keep, comma-separated (default: all)." };
        var lexiconCache = new Option<string>("--lexicon-cache")
        {
            Description = "umls: folder of the index built from --lexicon on first use.",
            DefaultValueFactory = _ => DefaultLexiconCache,
        };
        var command = new Command("score", "Score predictions against references with one metric; writes one JSON line per input line.")
        {
            metric, input, codes, model, layer, threads, lexicon, sources, lexiconCache,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var name = parseResult.GetValue(metric)!;
            var (modelDir, layerNumber, threadCount) = (parseResult.GetValue(model), parseResult.GetValue(layer), parseResult.GetValue(threads));
            if (name != BertScore.Name)
            {
                if (modelDir is not null || layerNumber is not null || threadCount is not null)
                {
                    Console.Error.WriteLine($"bioeval score: --model, --layer and --threads go with --metric {BertScore.Name}.");
                    return ExitCodes.BadInput;
                }
                var umls = name == UmlsConceptMetric.MetricName && parseResult.GetValue(lexicon) is { } path
                    ? OpenLexicon(path, parseResult.GetValue(sources), parseResult.GetValue(lexiconCache)!)
                    : null;
                return ScoreFile.Run(name, parseResult.GetValue(input)!, Console.Out, Console.Error, parseResult.GetValue(codes), umls);
            }
            if (parseResult.GetValue(codes) is not null)
            {
                Console.Error.WriteLine("bioeval score: --codes goes with --metric icd.");
                return ExitCodes.BadInput;
            }
            if (threadCount < 1)
            {
                Console.Error.WriteLine($"bioeval score: --threads must be at least 1, got {threadCount}.");
                return ExitCodes.BadInput;
            }
            var options = new BertEncoderOptions { Layer = layerNumber, IntraOpNumThreads = threadCount ?? 0 };
            return await ScoreFile.RunBertScoreAsync(parseResult.GetValue(input)!,
                () => BertEncoder.Open(EncoderFolder(modelDir), options), Console.Out, Console.Error, cancellationToken);
        });
        return command;
    }

    /// <summary>The folder of <c>--model</c>, else the embedded encoder, extracted below the repository or the installed tool's folder.</summary>
    public static string EncoderFolder(string? model) =>
        model ?? EmbeddedMiniLm.Ensure(Path.Combine(RepoPaths.Root(), EmbeddedMiniLm.RelativeDir));

    /// <summary>Where the umls index is cached unless --lexicon-cache says otherwise.</summary>
    public const string DefaultLexiconCache = ".cache/umls";

    private static UmlsIndex OpenLexicon(string path, string? sources, string cache)
    {
        var options = new UmlsLexiconOptions { Sources = sources?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [] };
        var clock = Stopwatch.StartNew();
        var opened = UmlsIndexCache.Open(path, options, cache);
        if (!opened.FromCache)
            Console.Error.WriteLine($"bioeval score: built the UMLS index of {path} in {clock.Elapsed.TotalSeconds:F1} s ({opened.Index.ConceptCount} concepts, {opened.Index.AliasCount} aliases), cached as {opened.CachePath}");
        return opened.Index;
    }
}
