using System.Globalization;
using System.Numerics;
using System.Xml.Linq;
using BioEval.Harness.Gates;
using BioEval.Harness.Protocol;
using BioEval.Harness.Statistics;
using BioEval.Models;

namespace BioEval.Harness.Runs;

/// <summary>
/// A named run profile: which models, which data, how many samples, where results go, how strict the gates are.
/// Profiles live in <c>runsettings/&lt;name&gt;.runsettings</c> as environment variables, so that
/// <c>dotnet test --settings</c> and <c>bioeval run --profile</c> read one and the same file. For <c>bioeval run</c> a
/// variable set in the real environment overrides the file; under <c>dotnet test</c> the test platform sets the file's
/// variables over the shell's, so only variables the file does not set come from the shell. Relative paths resolve
/// against the repository root.
/// </summary>
public sealed record RunProfile(
    string Name,
    string ModelsFile,
    string DataDir,
    string OutputDir,
    int? Limit,
    IReadOnlyList<string>? Tasks,
    string IcdCodeList,
    DecodingSettings Decoding,
    ProtocolOptions Protocol,
    double Tolerance,
    bool RequireSnapshots,
    int Concurrency)
{
    /// <summary>The variables a profile may set, with their meaning (also printed by <c>bioeval run --help</c>).</summary>
    public static readonly IReadOnlyDictionary<string, string> Variables = new Dictionary<string, string>
    {
        ["BIOEVAL_PROFILE"] = "profile name (file runsettings/<name>.runsettings)",
        ["BIOEVAL_MODELS"] = "model registry JSON (models and base->bio pairs)",
        ["BIOEVAL_DATA"] = "dataset folder holding <Task>/<published file name>",
        ["BIOEVAL_DATA_<TASK>"] = "one task's dataset file, overriding BIOEVAL_DATA",
        ["BIOEVAL_PACK_<TASK>"] = "a prompt pack JSON file replacing the task's embedded pack",
        ["BIOEVAL_OUT"] = "output folder for results.json, predictions.jsonl, report.md",
        ["BIOEVAL_LIMIT"] = "evaluate at most N samples per task (empty: all)",
        ["BIOEVAL_TASKS"] = "comma-separated task names (empty: all)",
        ["BIOEVAL_ICD_CODES"] = "ICD-10-CM code list for the valid-code ratio",
        ["BIOEVAL_TEMPERATURE"] = "0 = greedy (default); > 0 samples",
        ["BIOEVAL_TOP_P"] = "nucleus sampling mass",
        ["BIOEVAL_SEED"] = "sampling seed",
        ["BIOEVAL_REPEATS"] = "samples per prompt when sampling",
        ["BIOEVAL_DOCUMENT_SEED"] = "seed of LongHealth's document draws",
        ["BIOEVAL_LONGHEALTH_BUDGET"] = "LongHealth task 1 token budget",
        ["BIOEVAL_LONGHEALTH_RESERVE"] = "LongHealth: further tokens kept free in every prompt (default 0; template and answer room is always kept)",
        ["BIOEVAL_STRIP_TRAILING_SEMICOLON"] = "problem lists: really strip a trailing ';' (the reference does not)",
        ["BIOEVAL_PLAIN_MEAN"] = "true: plain means for MedNLI/MeDiSumCode (the reference counts the first sample twice)",
        ["BIOEVAL_NER_SHOTS"] = "NER few-shot examples from the train split (0 = zero-shot; default 3)",
        ["BIOEVAL_TOLERANCE"] = "allowed score decline against the snapshot before a case fails",
        ["BIOEVAL_REQUIRE_SNAPSHOTS"] = "true: a case without a committed snapshot fails",
        ["BIOEVAL_CONCURRENCY"] = "requests in flight per model",
        ["BIOEVAL_GATE"] = "what fails a test case: regression (default: snapshot), decline (bio significantly worse), noninferiority, report (never)",
        ["BIOEVAL_MARGIN"] = "non-inferiority margin in the metric's unit (default 0.01)",
        ["BIOEVAL_ALPHA"] = "significance level of the verdicts, on adjusted p-values (default 0.05)",
        ["BIOEVAL_ADJUSTMENT"] = "multiple-comparison adjustment over the run's headline comparisons: holm (default) or bh",
        ["BIOEVAL_RESAMPLES"] = "bootstrap resamples and Monte Carlo sign flips (default 10000)",
        ["BIOEVAL_STATS_SEED"] = "seed of the statistics' resampling (default 1)",
        ["BIOEVAL_PUBLISHED_SCORES"] = "CLUE published scores shown beside BioEval's in report.html (default ../shared/reference/clue-published-scores.json when present; none: off)",
    };

    /// <summary>Loads <c>runsettings/&lt;name&gt;.runsettings</c> of the repository (or a path to a .runsettings file).</summary>
    public static RunProfile Load(string nameOrPath, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var root = RepoPaths.Root();
        var path = nameOrPath.EndsWith(".runsettings", StringComparison.OrdinalIgnoreCase)
            ? Path.GetFullPath(nameOrPath)
            : Path.Combine(root, "runsettings", nameOrPath + ".runsettings");
        if (!File.Exists(path))
        {
            var known = Directory.Exists(Path.Combine(root, "runsettings"))
                ? string.Join(", ", Directory.GetFiles(Path.Combine(root, "runsettings"), "*.runsettings").Select(Path.GetFileNameWithoutExtension))
                : "none";
            throw new FileNotFoundException($"No run profile '{nameOrPath}' ({path}). Known profiles: {known}.", path);
        }
        var vars = ReadVariables(path);
        foreach (var (k, v) in overrides ?? new Dictionary<string, string?>())
            if (v is not null) vars[k] = v;
        return FromVariables(vars, root);
    }

    /// <summary>
    /// The profile a test run uses: the one named by BIOEVAL_PROFILE (set by the .runsettings file), else embedded;
    /// every BIOEVAL_* variable of the environment overrides the file.
    /// </summary>
    public static RunProfile FromEnvironment()
    {
        var env = EnvironmentVariables();
        var name = env.TryGetValue("BIOEVAL_PROFILE", out var p) && !string.IsNullOrWhiteSpace(p) ? p! : "embedded";
        return Load(name, env);
    }

    /// <summary>The BIOEVAL_* variables of the process environment, which override a profile's file.</summary>
    public static Dictionary<string, string?> EnvironmentVariables() =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Where(e => ((string)e.Key).StartsWith("BIOEVAL_", StringComparison.Ordinal))
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value);

    /// <summary>Reads the EnvironmentVariables block of a .runsettings file.</summary>
    public static Dictionary<string, string?> ReadVariables(string runsettingsPath)
    {
        try
        {
            var doc = XDocument.Load(runsettingsPath);
            var block = doc.Root?.Element("RunConfiguration")?.Element("EnvironmentVariables");
            return block is null
                ? []
                : block.Elements().ToDictionary(e => e.Name.LocalName, e => (string?)e.Value.Trim());
        }
        catch (System.Xml.XmlException e)
        {
            throw new InvalidDataException($"Run profile '{runsettingsPath}' is not valid XML: {e.Message}", e);
        }
    }

    private static RunProfile FromVariables(IReadOnlyDictionary<string, string?> v, string root)
    {
        string? Get(string key) => v.TryGetValue(key, out var s) && !string.IsNullOrWhiteSpace(s) ? s : null;
        string PathOf(string key, string fallback) => Path.GetFullPath(PathExpansion.Expand(Get(key) ?? fallback, key), root);
        int? Int(string key) => Get(key) is { } s
            ? int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : throw new InvalidDataException($"{key} must be an integer, got '{s}'.")
            : null;
        double? Dbl(string key) => Get(key) is { } s
            ? double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw new InvalidDataException($"{key} must be a number, got '{s}'.")
            : null;
        BigInteger? Seed(string key)
        {
            try
            {
                return Get(key) is { } s ? SeedValue.Parse(s, key) : null;
            }
            catch (FormatException e)
            {
                throw new InvalidDataException(e.Message, e);
            }
        }
        bool Bool(string key, bool fallback) => Get(key) is { } s
            ? bool.TryParse(s, out var b) ? b : throw new InvalidDataException($"{key} must be true or false, got '{s}'.")
            : fallback;

        var limit = Int("BIOEVAL_LIMIT");
        if (limit is < 1) throw new InvalidDataException($"BIOEVAL_LIMIT must be at least 1, got {limit}.");
        var decoding = new DecodingSettings(Dbl("BIOEVAL_TEMPERATURE") ?? 0, Dbl("BIOEVAL_TOP_P"), Seed("BIOEVAL_SEED") ?? 0, Int("BIOEVAL_REPEATS") ?? 1);
        decoding.Validate();
        var protocol = new ProtocolOptions(
            LongHealthTask1Budget: Int("BIOEVAL_LONGHEALTH_BUDGET") ?? ProtocolOptions.Default.LongHealthTask1Budget,
            StripTrailingSemicolon: Bool("BIOEVAL_STRIP_TRAILING_SEMICOLON", false),
            ReferenceAveraging: !Bool("BIOEVAL_PLAIN_MEAN", false),
            NerFewShot: Int("BIOEVAL_NER_SHOTS") ?? ProtocolOptions.Default.NerFewShot,
            LongHealthReserve: Int("BIOEVAL_LONGHEALTH_RESERVE") ?? ProtocolOptions.Default.LongHealthReserve)
        {
            DocumentSeed = Seed("BIOEVAL_DOCUMENT_SEED") ?? ProtocolOptions.Default.DocumentSeed,
        };
        if (protocol.NerFewShot < 0) throw new InvalidDataException($"BIOEVAL_NER_SHOTS must be >= 0, got {protocol.NerFewShot}.");
        var adjustment = Get("BIOEVAL_ADJUSTMENT") switch
        {
            null or "holm" => Adjustment.Holm,
            "bh" => Adjustment.BenjaminiHochberg,
            var other => throw new InvalidDataException($"BIOEVAL_ADJUSTMENT must be holm or bh, got '{other}'."),
        };
        var gate = Get("BIOEVAL_GATE") switch
        {
            null or "regression" => GateMode.Regression,
            "report" => GateMode.Report,
            "decline" => GateMode.Decline,
            "noninferiority" => GateMode.NonInferiority,
            var other => throw new InvalidDataException($"BIOEVAL_GATE must be report, decline, noninferiority or regression, got '{other}'."),
        };
        var published = Get("BIOEVAL_PUBLISHED_SCORES") switch
        {
            "none" => null,
            null => SharedPublishedScores(root),
            _ => PathOf("BIOEVAL_PUBLISHED_SCORES", ""),
        };
        if (published is not null && !File.Exists(published)) throw new InvalidDataException($"BIOEVAL_PUBLISHED_SCORES: {published} does not exist.");
        var margin = Dbl("BIOEVAL_MARGIN") ?? 0.01;
        if (!(margin >= 0)) throw new InvalidDataException($"BIOEVAL_MARGIN must be a non-negative number, got {margin}.");
        var statistics = new StatisticsOptions(
            Resamples: Int("BIOEVAL_RESAMPLES") ?? StatisticsOptions.Default.Resamples,
            Seed: SeedValue.Low64Bits(Seed("BIOEVAL_STATS_SEED") ?? StatisticsOptions.Default.Seed),
            Alpha: Dbl("BIOEVAL_ALPHA") ?? StatisticsOptions.Default.Alpha,
            Adjustment: adjustment);
        try
        {
            statistics.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
        return new RunProfile(
            Name: Get("BIOEVAL_PROFILE") ?? "embedded",
            ModelsFile: PathOf("BIOEVAL_MODELS", "runsettings/models/embedded.json"),
            DataDir: PathOf("BIOEVAL_DATA", "fixtures/datasets"),
            OutputDir: PathOf("BIOEVAL_OUT", "artifacts/embedded"),
            Limit: limit,
            Tasks: Get("BIOEVAL_TASKS")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            IcdCodeList: PathOf("BIOEVAL_ICD_CODES", "fixtures/icd10/icd10cm-sample.txt"),
            Decoding: decoding,
            Protocol: protocol,
            Tolerance: Dbl("BIOEVAL_TOLERANCE") ?? 1e-6,
            RequireSnapshots: Bool("BIOEVAL_REQUIRE_SNAPSHOTS", false),
            Concurrency: Int("BIOEVAL_CONCURRENCY") ?? 8)
        {
            Overrides = v,
            Statistics = statistics,
            Gate = gate,
            Margin = margin,
            PublishedScores = published,
        };
    }

    /// <summary>The shared data's CLUE published scores beside the repository <paramref name="root"/>, or null when absent.</summary>
    public static string? SharedPublishedScores(string root)
    {
        var path = Path.GetFullPath(Path.Combine(root, "..", "shared", "reference", "clue-published-scores.json"));
        return File.Exists(path) ? path : null;
    }

    /// <summary>The CLUE published scores file report.html compares with, or null (BIOEVAL_PUBLISHED_SCORES).</summary>
    public string? PublishedScores { get; init; }

    /// <summary>What makes a benchmark case fail (BIOEVAL_GATE; default regression, the snapshot gate).</summary>
    public GateMode Gate { get; init; } = GateMode.Regression;

    /// <summary>The non-inferiority margin (BIOEVAL_MARGIN, default 0.01: one point of a fraction).</summary>
    public double Margin { get; init; } = 0.01;

    /// <summary>How the run's base → biomedical comparisons are tested and judged.</summary>
    public StatisticsOptions Statistics { get; init; } = StatisticsOptions.Default;

    /// <summary>All variables in effect, for per-task dataset overrides (BIOEVAL_DATA_&lt;TASK&gt;).</summary>
    public IReadOnlyDictionary<string, string?> Overrides { get; init; } = new Dictionary<string, string?>();

    // Per-task file variables resolve relative paths against the repository when run inside one, else the working folder.
    private static string RelativeRoot() => RepoPaths.FindRoot(Directory.GetCurrentDirectory()) ?? Directory.GetCurrentDirectory();

    /// <summary>Prompt pack files given as BIOEVAL_PACK_&lt;TASK&gt;, by task name (any case of the task name).</summary>
    public IReadOnlyDictionary<string, string> PackFiles()
    {
        var root = RelativeRoot();
        var files = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in Overrides)
        {
            if (!key.StartsWith("BIOEVAL_PACK_", StringComparison.Ordinal) || string.IsNullOrWhiteSpace(value)) continue;
            var path = Path.GetFullPath(PathExpansion.Expand(value, key), root);
            if (!File.Exists(path)) throw new FileNotFoundException($"{key}: prompt pack file {path} does not exist.", path);
            files[key["BIOEVAL_PACK_".Length..]] = path;
        }
        return files;
    }

    /// <summary>The dataset file of a task: BIOEVAL_DATA_&lt;TASK&gt; if set, else DataDir/&lt;task&gt;/&lt;file&gt;.</summary>
    public string DatasetPath(string task, string dataFile)
    {
        var key = "BIOEVAL_DATA_" + task.ToUpperInvariant();
        return Overrides.TryGetValue(key, out var p) && !string.IsNullOrWhiteSpace(p)
            ? Path.GetFullPath(p!, RelativeRoot())
            : Path.Combine(DataDir, task, dataFile);
    }
}
