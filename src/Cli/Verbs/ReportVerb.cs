using System.CommandLine;
using BioEval.Harness.Runs;

namespace BioEval.Cli.Verbs;

/// <summary>
/// <c>bioeval report --merge DIR... --out DIR</c>: joins the run folders of shards (separate CI jobs) into one run with
/// comparisons over all of them and both reports; shards that are not one run are refused, naming the difference.
/// </summary>
internal static class ReportVerb
{
    public static Command Create()
    {
        var merge = new Option<string[]>("--merge")
        {
            Description = "Run folders (each with results.json and predictions.jsonl) to merge into one report.",
            AllowMultipleArgumentsPerToken = true,
            Required = true,
        };
        var output = new Option<string>("--out") { Description = "Folder for the merged results.json, predictions.jsonl, prompts.jsonl, report.md and report.html.", Required = true };
        var published = new Option<string?>("--published")
        {
            Description = "CLUE published scores to show beside BioEval's (default: ../shared/reference/clue-published-scores.json when present; none: off).",
        };
        var publishedMc = new Option<string?>("--published-mc")
        {
            Description = "Multiple-choice scores published for the models ({\"source\", \"scores\": [{\"model\", \"benchmark\", \"metric\", \"value\" (percent)}]}), shown beside BioEval's.",
        };
        var command = new Command("report", "Merge the run folders of shards into one run and render its reports.") { merge, output, published, publishedMc };
        command.SetAction(parse =>
        {
            var publishedPath = parse.GetValue(published) switch
            {
                "none" => null,
                null => RepoPaths.FindRoot(Directory.GetCurrentDirectory()) is { } root ? RunProfile.SharedPublishedScores(root) : null,
                var given => Path.GetFullPath(given),
            };
            try
            {
                if (publishedPath is not null && !File.Exists(publishedPath)) throw new InvalidDataException($"--published: {publishedPath} does not exist.");
                var dirs = parse.GetValue(merge)!.ToList();
                var mcPath = parse.GetValue(publishedMc) is { } mc ? Path.GetFullPath(mc) : null;
                if (mcPath is not null && !File.Exists(mcPath)) throw new InvalidDataException($"--published-mc: {mcPath} does not exist.");
                var merged = RunMerge.Merge(dirs, parse.GetValue(output)!, publishedPath, mcPath);
                var dir = Path.GetFullPath(parse.GetValue(output)!);
                Console.Out.WriteLine($"merged {dirs.Count} run folder(s): {merged.Results.Count} task × model results, {merged.Comparisons.Count} comparisons");
                Console.Out.WriteLine($"results: {Path.Combine(dir, "results.json")}");
                Console.Out.WriteLine($"report: {Path.Combine(dir, "report.md")}");
                Console.Out.WriteLine($"report: {Path.Combine(dir, "report.html")}");
                return 0;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"bioeval report: {e.Message}");
                return 2;
            }
        });
        return command;
    }
}
