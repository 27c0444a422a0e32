using BioEval.Harness.Datasets;
using BioEval.Harness.Metrics;
using BioEval.Harness.Protocol;

namespace BioEval.Harness.Tasks;

/// <summary>
/// Everything that defines one benchmark task, named together in one place: where its data comes from,
/// how prompts are written and built, how much the model may generate, how output is parsed and scored.
/// Bump <see cref="Version"/> whenever a change would move scores, so old results are not compared blindly.
/// </summary>
/// <param name="Name">Task name, also the test trait value (<c>Task=MedNLI</c>).</param>
/// <param name="Version">Definition version, recorded in every result.</param>
/// <param name="DataFile">The dataset's file name as published; a profile's data folder must hold it.</param>
/// <param name="Loader">Reads the dataset file.</param>
/// <param name="PromptPack">Name of the default prompt pack (an embedded resource).</param>
/// <param name="FewShot">How many shuffled samples become few-shot turns (0 = zero-shot).</param>
/// <param name="MaxNewTokens">Generation limit per prompt.</param>
/// <param name="Parser">Extracts the answer from raw output.</param>
/// <param name="Metrics">Scores one sample each; aggregated per model.</param>
/// <param name="PromptBuilder">Builds the chats to send; defaults to the few-shot chat of the reference.</param>
/// <param name="Shuffle">Whether samples are shuffled with the protocol seed first (the reference does, except for LongHealth).</param>
/// <param name="Averaging">How per-sample values become the task score.</param>
/// <param name="OracleAnswer">The output a perfect model writes for a sample (what the oracle baseline answers);
/// defaults to the sample's reference. Tasks whose reference is not itself a well-formed answer set it.</param>
public sealed record TaskDefinition(
    string Name,
    int Version,
    string DataFile,
    IDatasetLoader Loader,
    string PromptPack,
    int FewShot,
    int MaxNewTokens,
    IOutputParser Parser,
    IReadOnlyList<ISampleMetric> Metrics,
    IPromptBuilder? PromptBuilder = null,
    bool Shuffle = true,
    Averaging Averaging = Averaging.Mean,
    Func<Sample, string>? OracleAnswer = null)
{
    /// <summary>The answer a perfect model gives for <paramref name="sample"/>.</summary>
    public string PerfectAnswer(Sample sample) => OracleAnswer?.Invoke(sample) ?? sample.Reference;

    /// <summary>
    /// Whether the prompts are packed to the model's context (LongHealth), so the backend must count tokens; other
    /// tasks run on backends without a token counter.
    /// </summary>
    public bool NeedsTokenCounter { get; init; }

    /// <summary>
    /// Whether the data is restricted (under a data use agreement, as the MIMIC-derived tasks are): its text is withheld
    /// from reports, results.json and console messages (<see cref="Runs.RestrictedText"/>).
    /// </summary>
    public bool Restricted { get; init; }

    /// <summary>
    /// For a multiple-choice task, the answer a model would write for each option of an item, worded as the task's
    /// parser reads it and its few-shot answers show it (MedNLI's labels, PubMedQA's decisions, LongHealth's
    /// "The correct answer is B: …"): what likelihood scoring ranks. Null for tasks that can only be generated.
    /// </summary>
    public Func<EvalItem, IReadOnlyList<string>>? Choices { get; init; }

    /// <summary>For a coding task (MeDiSumCode), the per-chapter counts of the codes in a model's raw outputs; null otherwise.</summary>
    public Func<IEnumerable<string>, IReadOnlyList<IcdChapterCount>>? IcdChapters { get; init; }

    /// <summary>The modes a run scores this task in when it does not say (BIOEVAL_SCORING unset).</summary>
    public ScoringSelection DefaultScoring { get; init; } = ScoringSelection.Generate;

    /// <summary>
    /// The modes this task is scored in under <paramref name="requested"/> (null: the task's default). A task without
    /// <see cref="Choices"/> is always generated.
    /// </summary>
    public IReadOnlyList<ScoringMode> Modes(ScoringSelection? requested) =>
        Choices is null ? [ScoringMode.Generate] : ScoringModes.Modes(requested ?? DefaultScoring);

    /// <summary>The builder in effect.</summary>
    public IPromptBuilder Builder => PromptBuilder ?? FewShotPromptBuilder.Instance;

    /// <summary>
    /// Metrics computed over all samples at once with a model or lexicon the run owns (BERTScore, UMLS concept F1);
    /// present only when the run provides their resources.
    /// </summary>
    public IReadOnlyList<IBatchMetric> BatchMetrics { get; init; } = [];

    /// <summary>All metric outputs of this task, in declaration order: per-sample metrics, then batch metrics.</summary>
    public IEnumerable<MetricInfo> MetricOutputs => Metrics.SelectMany(m => m.Outputs).Concat(BatchMetrics.SelectMany(m => m.Outputs));
}

/// <summary>How a task's per-sample values are averaged.</summary>
public enum Averaging
{
    /// <summary>The plain mean over evaluated samples.</summary>
    Mean,

    /// <summary>
    /// The reference's averaging for MedNLI and MeDiSumCode: its result helper stores the first sample's value
    /// twice, so the mean runs over n + 1 values. Applied while <see cref="ProtocolOptions.ReferenceAveraging"/> is on.
    /// </summary>
    FirstSampleTwice,
}
