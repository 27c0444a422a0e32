using System.Globalization;
using System.Numerics;
using System.Xml.Linq;
using BioEval.Harness.Gates;
using BioEval.Harness.Protocol;
using BioEval.Harness.Statistics;
using BioEval.Harness.Tasks;
using BioEval.Models;

namespace BioEval.Harness.Runs;

/// <summary>
/// A named run profile: which models, which data, how many samples, where results go, how strict the gates are.
/// Profiles live in <c>runsettings/&lt;name&gt;.runsettings</c>, so that <c>dotnet test --settings</c> and
/// <c>bioeval run --profile</c> read one and the same file: its <c>BioEval</c> section holds the settings and one
/// environment variable, BIOEVAL_PROFILE, tells the test fixture which file it is. The test platform leaves the section
/// alone, so under both a BIOEVAL_* variable of the environment overrides the file.
/// </summary>
public sealed partial record RunProfile(
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
        ["BIOEVAL_RESTRICTED"] = "tasks whose data is under a data use agreement, text withheld from reports and logs (default MedNLI,ProblemSummary,MeDiSumQA,MeDiSumCode; none: no task)",
        ["BIOEVAL_SHOW_RESTRICTED_TEXT"] = "true: do not withhold restricted datasets' text from reports and logs (a private machine only)",
        ["BIOEVAL_BERTSCORE_MODEL"] = "BERTScore's encoder: an exported BERT-family ONNX folder (default: the embedded all-MiniLM-L6-v2; none: no BERTScore)",
        ["BIOEVAL_BERTSCORE_LAYER"] = "the encoder layer BERTScore reads, for exports with per-layer hidden states (SciBERT: 8; default: the last)",
        ["BIOEVAL_UMLS_LEXICON"] = "the user's UMLS MRCONSO.RRF for ProblemSummary's and MeDiSumQA's concept F1 (none, the default: no UMLS F1)",
        ["BIOEVAL_UMLS_SOURCES"] = "UMLS source vocabularies (SAB) to keep, comma-separated (default: all)",
        ["BIOEVAL_SCORING"] = "multiple-choice tasks (PubMedQA, MedNLI, LongHealth): generate, likelihood or both (default: generate for the CLUE tasks, both for PubMedQA)",
        ["BIOEVAL_PUBLISHED_MC"] = "JSON file of multiple-choice scores published for the models (their papers or cards), shown beside BioEval's in the reports",
        ["BIOEVAL_PUBLISHED_SCORES"] = "CLUE published scores shown beside BioEval's in report.html (default ../shared/reference/clue-published-scores.json when present; none: off)",
    };

    /// <summary>Variables BioEval's tools read besides the profile (test snapshots, the parity tests' npm folder).</summary>
    public static readonly IReadOnlySet<string> ToolVariables = new HashSet<string>(StringComparer.Ordinal) { "BIOEVAL_ACCEPT", "BIOEVAL_REFERENCE_MODULES" };

    /// <summary>Loads <c>runsettings/&lt;name&gt;.runsettings</c> of the repository (or a path to a .runsettings file).</summary>
    public static RunProfile Load(string nameOrPath, IReadOnlyDictionary<string, string?>? overrides = null) =>
        Load(nameOrPath, (overrides ?? new Dictionary<string, string?>())
            .Where(kv => kv.Value is not null)
            .ToDictionary(kv => kv.Key, kv => new Setting(kv.Value!, kv.Key, Directory.GetCurrentDirectory())));

    /// <summary>
    /// Loads a profile file and lays <paramref name="overrides"/> (environment variables, command-line options) over it.
    /// Every value is checked and every problem reported at once (<see cref="ConfigurationException"/>, naming each
    /// value's source): unknown BIOEVAL_* names with the nearest known one, malformed or out-of-range values.
    /// </summary>
    public static RunProfile Load(string nameOrPath, IReadOnlyDictionary<string, Setting> overrides)
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
        // A shipped profile's relative paths (runsettings/ of the repository or of the installed tool) resolve against the
        // folder above runsettings/, any other profile's against its own folder; a shipped profile's output folder outside
        // a repository is the current folder's, so an installed tool writes where it is run.
        var folder = Path.GetDirectoryName(path)!;
        var above = Path.GetFullPath(Path.Combine(folder, ".."));
        var shipped = Path.GetFileName(folder) == "runsettings" && File.Exists(Path.Combine(folder, "embedded.runsettings"));
        var baseDir = shipped ? above : folder;
        var here = Directory.GetCurrentDirectory();
        var shown = Path.GetRelativePath(here, path);
        var settings = ReadVariables(path).ToDictionary(kv => kv.Key, kv => new Setting(kv.Value ?? "", $"{shown} <{kv.Key}>",
            kv.Key == "BIOEVAL_OUT" && shipped && !RepoPaths.IsRepository(above) ? here : baseDir));
        foreach (var (k, v) in overrides)
            // Under dotnet test the file's own values come back as environment variables: they stay the file's.
            if (!(settings.TryGetValue(k, out var fromFile) && fromFile.Value == v.Value)) settings[k] = v;
        return FromSettings(settings, root, File.ReadAllText(path));
    }

    /// <summary>
    /// The profile a test run uses: the one named by BIOEVAL_PROFILE (set by the .runsettings file), else embedded;
    /// every BIOEVAL_* variable of the environment overrides the file.
    /// </summary>
    public static RunProfile FromEnvironment()
    {
        var env = EnvironmentSettings();
        var name = env.TryGetValue("BIOEVAL_PROFILE", out var p) && !string.IsNullOrWhiteSpace(p.Value) ? p.Value : "embedded";
        return Load(name, env);
    }

    /// <summary>The BIOEVAL_* variables of the process environment, which override a profile's file.</summary>
    public static Dictionary<string, Setting> EnvironmentSettings() =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Where(e => ((string)e.Key).StartsWith("BIOEVAL_", StringComparison.Ordinal))
            .ToDictionary(e => (string)e.Key, e => new Setting((string?)e.Value ?? "", $"environment variable {(string)e.Key}", Directory.GetCurrentDirectory()));

    /// <summary>
    /// Reads a .runsettings file's settings: its <c>BioEval</c> section and its <c>RunConfiguration/EnvironmentVariables</c>
    /// block (profiles written before the section existed keep working there, with the test platform's precedence).
    /// A setting in both is an error.
    /// </summary>
    public static Dictionary<string, string?> ReadVariables(string runsettingsPath)
    {
        try
        {
            var doc = XDocument.Load(runsettingsPath, LoadOptions.SetLineInfo);
            var result = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var block in new[] { doc.Root?.Element("RunConfiguration")?.Element("EnvironmentVariables"), doc.Root?.Element("BioEval") })
                foreach (var e in block?.Elements() ?? [])
                    if (!result.TryAdd(e.Name.LocalName, e.Value.Trim()))
                        throw new InvalidDataException($"{runsettingsPath}:{((System.Xml.IXmlLineInfo)e).LineNumber}: {e.Name.LocalName} is set twice.");
            return result;
        }
        catch (System.Xml.XmlException e)
        {
            throw new InvalidDataException($"{runsettingsPath}:{e.LineNumber}:{e.LinePosition}: not valid XML: {e.Message}", e);
        }
    }

    /// <summary>Every BIOEVAL_* name a profile may set, the per-task ones spelled out for each task.</summary>
    public static IEnumerable<string> KnownNames() =>
        Variables.Keys.Where(k => !k.EndsWith("<TASK>", StringComparison.Ordinal))
            .Concat(BioEval.Harness.Tasks.TaskCatalog.Names.SelectMany(t => new[] { "BIOEVAL_DATA_" + t.ToUpperInvariant(), "BIOEVAL_PACK_" + t.ToUpperInvariant() }))
            .Concat(ToolVariables);

    [System.Text.RegularExpressions.GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial System.Text.RegularExpressions.Regex Reference();

    private static RunProfile FromSettings(IReadOnlyDictionary<string, Setting> v, string root, string profileText)
    {
        var r = new SettingReader(v);

        var limit = r.Int("BIOEVAL_LIMIT", min: 1);
        var temperature = r.Double("BIOEVAL_TEMPERATURE", min: 0) ?? 0;
        var topP = r.Double("BIOEVAL_TOP_P", min: 0, minExclusive: true, max: 1);
        var repeats = r.Int("BIOEVAL_REPEATS", min: 1) ?? 1;
        if (temperature <= 0 && repeats > 1) r.Fail("BIOEVAL_REPEATS", $"{repeats} repeats need sampling (BIOEVAL_TEMPERATURE > 0); greedy decoding gives the same output every time.");
        var decoding = new DecodingSettings(temperature, topP, r.Seed("BIOEVAL_SEED") ?? 0, repeats);
        var protocol = new ProtocolOptions(
            LongHealthTask1Budget: r.Int("BIOEVAL_LONGHEALTH_BUDGET", min: 1) ?? ProtocolOptions.Default.LongHealthTask1Budget,
            StripTrailingSemicolon: r.Bool("BIOEVAL_STRIP_TRAILING_SEMICOLON") ?? false,
            ReferenceAveraging: !(r.Bool("BIOEVAL_PLAIN_MEAN") ?? false),
            NerFewShot: r.Int("BIOEVAL_NER_SHOTS", min: 0) ?? ProtocolOptions.Default.NerFewShot,
            LongHealthReserve: r.Int("BIOEVAL_LONGHEALTH_RESERVE", min: 0) ?? ProtocolOptions.Default.LongHealthReserve)
        {
            DocumentSeed = r.Seed("BIOEVAL_DOCUMENT_SEED") ?? ProtocolOptions.Default.DocumentSeed,
        };
        var adjustment = r.Choice("BIOEVAL_ADJUSTMENT", new Dictionary<string, Adjustment> { ["holm"] = Adjustment.Holm, ["bh"] = Adjustment.BenjaminiHochberg }) ?? Adjustment.Holm;
        var gate = r.Choice("BIOEVAL_GATE", new Dictionary<string, GateMode>
        {
            ["report"] = GateMode.Report, ["decline"] = GateMode.Decline, ["noninferiority"] = GateMode.NonInferiority, ["regression"] = GateMode.Regression,
        }) ?? GateMode.Regression;
        var published = r.Get("BIOEVAL_PUBLISHED_SCORES") switch
        {
            "none" => null,
            null => SharedPublishedScores(root),
            _ => r.Path("BIOEVAL_PUBLISHED_SCORES", mustExist: true),
        };
        var margin = r.Double("BIOEVAL_MARGIN", min: 0) ?? 0.01;
        var scoring = r.Choice("BIOEVAL_SCORING", ScoringModes.Choices);
        var publishedMc = r.Path("BIOEVAL_PUBLISHED_MC", mustExist: true);
        var bertScoreModel = r.Get("BIOEVAL_BERTSCORE_MODEL") is "none" ? "none" : r.Path("BIOEVAL_BERTSCORE_MODEL", mustExist: true);
        var bertScoreLayer = r.Int("BIOEVAL_BERTSCORE_LAYER", min: 1);
        var umlsLexicon = r.Get("BIOEVAL_UMLS_LEXICON") is "none" ? null : r.Path("BIOEVAL_UMLS_LEXICON", mustExist: true);
        var umlsSources = r.Get("BIOEVAL_UMLS_SOURCES")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
        var statistics = new StatisticsOptions(
            Resamples: r.Int("BIOEVAL_RESAMPLES", min: 1) ?? StatisticsOptions.Default.Resamples,
            Seed: SeedValue.Low64Bits(r.Seed("BIOEVAL_STATS_SEED") ?? StatisticsOptions.Default.Seed),
            Alpha: r.Double("BIOEVAL_ALPHA", min: 0, minExclusive: true, max: 1, maxExclusive: true) ?? StatisticsOptions.Default.Alpha,
            Adjustment: adjustment);
        var tasks = r.Tasks("BIOEVAL_TASKS");
        var restricted = r.Get("BIOEVAL_RESTRICTED") == "none" ? [] : r.Tasks("BIOEVAL_RESTRICTED");
        var showRestricted = r.Bool("BIOEVAL_SHOW_RESTRICTED_TEXT") ?? false;
        var tolerance = r.Double("BIOEVAL_TOLERANCE", min: 0) ?? 1e-6;
        var requireSnapshots = r.Bool("BIOEVAL_REQUIRE_SNAPSHOTS") ?? false;
        var concurrency = r.Int("BIOEVAL_CONCURRENCY", min: 1) ?? 8;
        var modelsFile = r.Path("BIOEVAL_MODELS") ?? Path.Combine(root, "runsettings", "models", "embedded.json");

        // Names: the known ones, the per-task ones of known tasks, and those the profile or registry expands as ${NAME}.
        var known = KnownNames().ToHashSet(StringComparer.Ordinal);
        var registryText = File.Exists(modelsFile) ? File.ReadAllText(modelsFile) : "";
        foreach (var m in Reference().Matches(profileText + registryText).Cast<System.Text.RegularExpressions.Match>()) known.Add(m.Groups[1].Value);
        foreach (var (name, setting) in v.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            if (name.StartsWith("BIOEVAL_", StringComparison.Ordinal) && !known.Contains(name))
                r.Problems.Add($"{setting.Source}: unknown setting {name}{NearestName.Hint(name, known)}. Known settings: bioeval run --help.");

        var profile = new RunProfile(
            Name: r.Get("BIOEVAL_PROFILE") is { } named
                ? (named.EndsWith(".runsettings", StringComparison.OrdinalIgnoreCase) ? Path.GetFileNameWithoutExtension(named) : named)
                : "embedded",
            ModelsFile: modelsFile,
            DataDir: r.Path("BIOEVAL_DATA") ?? Path.Combine(root, "fixtures", "datasets"),
            OutputDir: r.Path("BIOEVAL_OUT") ?? Path.Combine(RepoPaths.IsRepository(root) ? root : Directory.GetCurrentDirectory(), "artifacts", "embedded"),
            Limit: limit,
            Tasks: tasks,
            IcdCodeList: r.Path("BIOEVAL_ICD_CODES") ?? Path.Combine(root, "fixtures", "icd10", "icd10cm-sample.txt"),
            Decoding: decoding,
            Protocol: protocol,
            Tolerance: tolerance,
            RequireSnapshots: requireSnapshots,
            Concurrency: concurrency)
        {
            Settings = v,
            Statistics = statistics,
            Gate = gate,
            Margin = margin,
            PublishedScores = published,
            Scoring = scoring,
            PublishedMultipleChoice = publishedMc,
            BertScoreModel = bertScoreModel,
            BertScoreLayer = bertScoreLayer,
            UmlsLexicon = umlsLexicon,
            UmlsSources = umlsSources,
            RestrictedTasks = restricted is null ? BioEval.Harness.Tasks.TaskCatalog.DefaultRestricted : restricted.ToHashSet(StringComparer.Ordinal),
            ShowRestrictedText = showRestricted,
        };
        foreach (var key in v.Keys.Where(k => k.StartsWith("BIOEVAL_DATA_", StringComparison.Ordinal) || k.StartsWith("BIOEVAL_PACK_", StringComparison.Ordinal)))
            if (known.Contains(key)) r.Path(key);
        if (r.Problems.Count > 0) throw new ConfigurationException(r.Problems);
        return profile;
    }

    /// <summary>The shared data's CLUE published scores beside the repository <paramref name="root"/>, or null when absent.</summary>
    public static string? SharedPublishedScores(string root)
    {
        var path = Path.GetFullPath(Path.Combine(root, "..", "shared", "reference", "clue-published-scores.json"));
        return File.Exists(path) ? path : null;
    }

    /// <summary>Tasks whose data is restricted (BIOEVAL_RESTRICTED; by default the four MIMIC-derived ones).</summary>
    public IReadOnlySet<string> RestrictedTasks { get; init; } = BioEval.Harness.Tasks.TaskCatalog.DefaultRestricted;

    /// <summary>The user's opt-in to show restricted text in reports and logs (BIOEVAL_SHOW_RESTRICTED_TEXT).</summary>
    public bool ShowRestrictedText { get; init; }

    /// <summary>The CLUE published scores file report.html compares with, or null (BIOEVAL_PUBLISHED_SCORES).</summary>
    public string? PublishedScores { get; init; }

    /// <summary>BERTScore's encoder folder (BIOEVAL_BERTSCORE_MODEL): null for the embedded all-MiniLM-L6-v2, "none" for no BERTScore.</summary>
    public string? BertScoreModel { get; init; }

    /// <summary>The encoder layer BERTScore reads (BIOEVAL_BERTSCORE_LAYER); null: the model's last.</summary>
    public int? BertScoreLayer { get; init; }

    /// <summary>The UMLS lexicon (BIOEVAL_UMLS_LEXICON, an MRCONSO.RRF), or null for no UMLS concept F1.</summary>
    public string? UmlsLexicon { get; init; }

    /// <summary>The UMLS sources kept (BIOEVAL_UMLS_SOURCES); empty: all.</summary>
    public IReadOnlyList<string> UmlsSources { get; init; } = [];

    /// <summary>The scoring modes asked of the multiple-choice tasks (BIOEVAL_SCORING); null: each task's default.</summary>
    public ScoringSelection? Scoring { get; init; }

    /// <summary>The published multiple-choice scores file the reports show beside BioEval's (BIOEVAL_PUBLISHED_MC), or null.</summary>
    public string? PublishedMultipleChoice { get; init; }

    /// <summary>What makes a benchmark case fail (BIOEVAL_GATE; default regression, the snapshot gate).</summary>
    public GateMode Gate { get; init; } = GateMode.Regression;

    /// <summary>The non-inferiority margin (BIOEVAL_MARGIN, default 0.01: one point of a fraction).</summary>
    public double Margin { get; init; } = 0.01;

    /// <summary>How the run's base → biomedical comparisons are tested and judged.</summary>
    public StatisticsOptions Statistics { get; init; } = StatisticsOptions.Default;

    /// <summary>Every setting in effect with its source (per-task dataset and pack files are read from here).</summary>
    public IReadOnlyDictionary<string, Setting> Settings { get; init; } = new Dictionary<string, Setting>();

    /// <summary>Prompt pack files given as BIOEVAL_PACK_&lt;TASK&gt;, by task name (any case of the task name).</summary>
    public IReadOnlyDictionary<string, string> PackFiles()
    {
        var files = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, setting) in Settings)
        {
            if (!key.StartsWith("BIOEVAL_PACK_", StringComparison.Ordinal) || string.IsNullOrWhiteSpace(setting.Value)) continue;
            var path = SettingReader.Resolve(setting, key);
            if (!File.Exists(path)) throw new FileNotFoundException($"{setting.Source}: prompt pack file {path} does not exist.", path);
            files[key["BIOEVAL_PACK_".Length..]] = path;
        }
        return files;
    }

    /// <summary>The dataset file of a task: BIOEVAL_DATA_&lt;TASK&gt; if set, else DataDir/&lt;task&gt;/&lt;file&gt;.</summary>
    public string DatasetPath(string task, string dataFile)
    {
        var key = "BIOEVAL_DATA_" + task.ToUpperInvariant();
        return Settings.TryGetValue(key, out var setting) && !string.IsNullOrWhiteSpace(setting.Value)
            ? SettingReader.Resolve(setting, key)
            : Path.Combine(DataDir, task, dataFile);
    }
}
