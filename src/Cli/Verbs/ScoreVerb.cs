using System.CommandLine;
using System.Diagnostics;
using BioEval.Harness.Metrics.Umls;
using BioEval.Harness.Scoring;

namespace BioEval.Cli.Verbs;

/// <summary><c>bioeval score</c>: per-example metric values for a JSON-lines file (parity checks against the reference).</summary>
internal static class ScoreVerb
{
    public static Command Create()
    {
        var metric = new Option<string>("--metric")
        {
            Description = $"Metric to compute: {string.Join(", ", ScoreFile.Metrics.Select(m => m.Name))}.",
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
        var lexicon = new Option<string?>("--lexicon") { Description = "The UMLS MRCONSO.RRF file, for umls (your own licensed copy)." };
        var sources = new Option<string?>("--sources") { Description = "UMLS source vocabularies (SAB) to keep, comma-separated, for umls (default: all)." };
        var lexiconCache = new Option<string>("--lexicon-cache")
        {
            Description = "Folder of the umls index built from --lexicon on first use.",
            DefaultValueFactory = _ => DefaultLexiconCache,
        };
        var command = new Command("score", "Score predictions against references with one metric; writes one JSON line per input line.")
        {
            metric, input, codes, lexicon, sources, lexiconCache,
        };
        command.SetAction(parseResult =>
        {
            var name = parseResult.GetValue(metric)!;
            var umls = name == UmlsConceptMetric.MetricName && parseResult.GetValue(lexicon) is { } path
                ? OpenLexicon(path, parseResult.GetValue(sources), parseResult.GetValue(lexiconCache)!)
                : null;
            return ScoreFile.Run(name, parseResult.GetValue(input)!, Console.Out, Console.Error, parseResult.GetValue(codes), umls);
        });
        return command;
    }

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
