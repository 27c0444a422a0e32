using System.Numerics;
using System.Text.Json.Serialization;

namespace BioEval.Harness.Results;

/// <summary>
/// results.json: the contract between a run and whatever reads it (reports, merges, gates, other tools). Written and
/// read back by these types only (<see cref="ResultsFile"/>); a change of shape raises <see cref="CurrentSchemaVersion"/>.
/// </summary>
/// <param name="SchemaVersion">The contract version; readers refuse versions they do not know.</param>
/// <param name="Tool">"bioeval".</param>
/// <param name="ToolVersion">The version of the tool that wrote the file.</param>
/// <param name="Profile">The run profile's name.</param>
/// <param name="StartedUtc">When the run started.</param>
/// <param name="FinishedUtc">When the file was written.</param>
/// <param name="Config">What was run and how.</param>
/// <param name="Pairs">The base → biomedical pairs of the registry.</param>
/// <param name="Results">One entry per task × model.</param>
/// <param name="Comparisons">Every pair judged on every headline metric of every task.</param>
/// <param name="Complete">False for the partial output of a run that failed or was interrupted (written to the run
/// folder's <c>incomplete/</c>, never over a complete run's files).</param>
/// <param name="IncompleteReason">Why a run is incomplete ("interrupted", or the error); null when complete.</param>
public sealed record ResultsDocument(
    int SchemaVersion,
    string Tool,
    string ToolVersion,
    string Profile,
    DateTimeOffset StartedUtc,
    DateTimeOffset FinishedUtc,
    RunConfigRecord Config,
    IReadOnlyList<PairRecord> Pairs,
    IReadOnlyList<TaskModelResult> Results,
    IReadOnlyList<PairComparison> Comparisons,
    bool Complete,
    string? IncompleteReason)
{
    /// <summary>
    /// Version 1 was assembled by hand and never read back; 2 was the first typed contract; 3 adds the spread across
    /// repeats (additions with a default still raise it: a reader of 2 would drop them silently); 4 marks partial
    /// output (<c>complete</c>, <c>incomplete_reason</c>); 5 adds token usage and latency per task × model (<c>usage</c>);
    /// 6 adds the scoring mode of every result and comparison (<c>scoring</c>: generate or likelihood) and MeDiSumCode's
    /// per-chapter counts of predicted codes (<c>icd_chapters</c>) and the models behind model-based metrics
    /// (<c>metric_models</c>: BERTScore's encoder, UMLS's lexicon, each with its files' SHA-256).
    /// </summary>
    public const int CurrentSchemaVersion = 6;
}

/// <summary>The run's configuration as results.json records it.</summary>
public sealed record RunConfigRecord(string ModelsFile, string DataDir, int? Limit, DecodingRecord Decoding, ProtocolRecord Protocol, StatisticsRecord Statistics);

/// <summary>How the comparisons were tested and judged.</summary>
public sealed record StatisticsRecord(
    int Resamples,
    [property: JsonConverter(typeof(BigIntegerJsonConverter))] BigInteger Seed,
    double Alpha,
    string Adjustment,
    double Confidence);

/// <summary>Decoding settings; the seed is an integer of any size.</summary>
public sealed record DecodingRecord(
    string Strategy,
    double Temperature,
    double? TopP,
    [property: JsonConverter(typeof(BigIntegerJsonConverter))] BigInteger Seed,
    int Repeats);

/// <summary>Protocol options (the reference's defaults unless set).</summary>
public sealed record ProtocolRecord(
    [property: JsonConverter(typeof(BigIntegerJsonConverter))] BigInteger ShuffleSeed,
    [property: JsonConverter(typeof(BigIntegerJsonConverter))] BigInteger DocumentSeed,
    int LonghealthTask1Budget,
    int LonghealthReserve,
    int NerFewShot,
    bool StripTrailingSemicolon,
    bool ReferenceAveraging);

/// <summary>A metric's per-repeat means (of the per-sample scores) and their sample standard deviation.</summary>
public sealed record RepeatSpread(string Metric, IReadOnlyList<double> Means, double StandardDeviation);

/// <summary>A base → biomedical pair.</summary>
public sealed record PairRecord(string Base, string Bio);

/// <summary>
/// One model's result on one task: the task and its version, the model and backend, how many samples and prompts
/// (and how many the backend refused for length), the dataset file as given with its SHA-256, the prompt pack's
/// SHA-256, the seconds taken, the task's metrics (each with its direction and unit), for tasks that pack prompts
/// to a token budget (LongHealth) the budgets used, for sampling runs with several repeats the spread across them, and
/// for a coding task the predicted codes per ICD-10-CM chapter (<c>icd_chapters</c>), how the answers were obtained (<c>scoring</c>: generated, or the most likely option; a multiple-choice task scored
/// both ways has one result per mode).
/// </summary>
public sealed record TaskModelResult(
    string Task,
    int TaskVersion,
    string Model,
    string Backend,
    int Samples,
    int Prompts,
    int RejectedPrompts,
    string DatasetFile,
    string DatasetPath,
    string DatasetSha256,
    string PromptPackSha256,
    double Seconds,
    IReadOnlyList<MetricValue> Scores,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, int>? PromptBudgets = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<RepeatSpread>? RepeatSpread = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] UsageSummary? Usage = null,
    [property: JsonConverter(typeof(JsonStringEnumConverter<Tasks.ScoringMode>))] Tasks.ScoringMode Scoring = Tasks.ScoringMode.Generate,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<Metrics.IcdChapterCount>? IcdChapters = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<Metrics.MetricModel>? MetricModels = null)
{
    /// <summary>The task as reports name it in its mode ("PubMedQA (likelihood)").</summary>
    [JsonIgnore]
    public string Label => Tasks.ScoringModes.Label(Task, Scoring);

    /// <summary>The metric named <paramref name="name"/>, or null.</summary>
    public MetricValue? Score(string name) => Scores.FirstOrDefault(s => s.Name == name);
}
