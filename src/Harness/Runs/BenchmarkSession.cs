using System.Collections.Concurrent;
using BioEval.Harness.Registry;
using BioEval.Harness.Results;
using BioEval.Harness.Statistics;
using BioEval.Harness.Tasks;
using BioEval.Models;
using Microsoft.Extensions.AI;

namespace BioEval.Harness.Runs;

/// <summary>
/// One benchmark run over a profile, shared by the CLI and the test fixture. Each model is loaded once,
/// each dataset is prepared once, and each (task, model) result is computed once however many pairs and
/// test cases ask for it; at the end <see cref="Write"/> stores every computed result.
/// </summary>
public sealed class BenchmarkSession : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<IChatClient>> _models = new();
    private readonly ConcurrentDictionary<string, Lazy<PreparedTask>> _prepared = new();
    private readonly ConcurrentDictionary<(string Task, ScoringMode Scoring, string Model), Lazy<Task<TaskResult>>> _results = new();
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <summary>
    /// Opens a run: reads the registry and creates the selected tasks, collecting (not throwing) what is wrong with
    /// them for <see cref="Preflight"/>, and takes the output folder's lock (which throws at once when it is taken).
    /// </summary>
    public BenchmarkSession(RunProfile profile, IProgress<EvalProgress>? progress = null, bool resume = false)
    {
        Profile = profile;
        Progress = progress;
        Registry = Collect(() => ModelRegistry.Load(profile.ModelsFile)) ?? new ModelRegistry([], []);
        Func<string>? encoder = profile.BertScoreModel switch
        {
            "none" => null,
            null => () => Models.Encoders.EmbeddedMiniLm.Ensure(Path.Combine(RepoPaths.Root(), Models.Encoders.EmbeddedMiniLm.RelativeDir)),
            var folder => () => folder,
        };
        Resources = new Metrics.MetricResources(encoder, profile.BertScoreLayer, profile.UmlsLexicon is { } lexicon
            ? (lexicon, new Metrics.Umls.UmlsLexiconOptions { Sources = profile.UmlsSources }, Path.Combine(RepoPaths.Root(), ".cache", "umls"))
            : null);
        Environment = new TaskEnvironment(profile.Protocol, profile.IcdCodeList, Collect(profile.PackFiles)) { RestrictedTasks = profile.RestrictedTasks, Resources = Resources };
        Tasks = [.. (profile.Tasks is { Count: > 0 } names ? names : TaskCatalog.Names)
            .Select(name => Collect(() => TaskCatalog.Select(Environment, [name])[0])).OfType<TaskDefinition>()];
        Lock = OutputLock.Acquire(profile.OutputDir);
        Checkpoint = new Checkpoint(Path.Combine(profile.OutputDir, "checkpoints"), resume);
    }

    private readonly List<string> _setupProblems = [];

    private T? Collect<T>(Func<T> create) where T : class
    {
        try
        {
            return create();
        }
        catch (Exception e) when (UserErrors.Is(e))
        {
            _setupProblems.Add(e.Message);
            return null;
        }
    }

    /// <summary>
    /// Everything wrong with the run, found before any model generates: the registry, prompt packs and task
    /// definitions (code lists), every selected dataset (loaded, validated and prepared, so the evaluation reuses it;
    /// too few samples for the few-shot examples), every pack placeholder, and every paired model's entry and folder
    /// (tokenizer, config and chat template parsed; weights are not loaded). Computed once; empty when the run can start.
    /// </summary>
    public IReadOnlyList<string> Preflight()
    {
        lock (_preflightGate) return _preflight ??= RunPreflight();
    }

    private readonly Lock _preflightGate = new();
    private IReadOnlyList<string>? _preflight;

    private List<string> RunPreflight()
    {
        var problems = new List<string>(_setupProblems);
        foreach (var task in Tasks)
        {
            try
            {
                var prepared = Prepare(task);
                var file = prepared.DatasetFile;
                if (task.Builder.Shortfall(prepared.Ordered, task.FewShot, file) is { } shortfall) problems.Add($"{task.Name}: {shortfall}");
                if (prepared.Ordered.Count == 0) continue;
                var fields = prepared.Ordered.FirstOrDefault()?.Fields.Keys ?? [];
                var known = fields.Concat(task.Builder.OwnPlaceholders).Append("reference").ToHashSet(StringComparer.Ordinal);
                foreach (var name in prepared.Pack.Placeholders().Where(n => !known.Contains(n)).Order(StringComparer.Ordinal))
                    problems.Add($"{task.Name}: prompt pack {PackSource(task)} uses placeholder {{{name}}}, which is no field of the task's samples{NearestName.Hint(name, known)}. Known: {string.Join(", ", known.Order(StringComparer.Ordinal).Select(k => "{" + k + "}"))}.");
            }
            catch (Exception e) when (UserErrors.Is(e))
            {
                problems.Add($"{task.Name}: {e.Message}");
            }
        }
        foreach (var model in Registry.PairedModels)
        {
            var where = Registry.Where(model.Name);
            var found = ModelFactory.Problems(model, where);
            problems.AddRange(found);
            if (found.Count == 0 && model.Kind.Equals("onnx", StringComparison.OrdinalIgnoreCase))
                try
                {
                    ModelFactory.CheckTokenizerAndTemplate(model);
                }
                catch (Exception e) when (UserErrors.Is(e))
                {
                    problems.Add($"{where}: {e.Message}");
                }
        }
        if (Profile.BertScoreModel is { } encoder and not "none" && Tasks.Any(t => t.BatchMetrics.Count > 0))
        {
            if (!File.Exists(Path.Combine(encoder, "model.onnx")))
                problems.Add($"BIOEVAL_BERTSCORE_MODEL: {encoder} holds no model.onnx (export the encoder to ONNX; see README, BERTScore).");
            if (!File.Exists(Path.Combine(encoder, "tokenizer.json")) && !File.Exists(Path.Combine(encoder, "vocab.txt")))
                problems.Add($"BIOEVAL_BERTSCORE_MODEL: {encoder} holds neither tokenizer.json nor vocab.txt.");
        }
        if (Profile.PublishedMultipleChoice is { } mc)
            try
            {
                Reporting.PublishedMultipleChoice.Load(mc);
            }
            catch (Exception e) when (UserErrors.Is(e))
            {
                problems.Add($"BIOEVAL_PUBLISHED_MC: {e.Message}");
            }
        var byLikelihood = Tasks.Where(t => Modes(t).Contains(ScoringMode.Likelihood)).Select(t => t.Name).ToList();
        if (byLikelihood.Count > 0)
            foreach (var model in Registry.PairedModels.Where(m => m.Kind.Equals("openai", StringComparison.OrdinalIgnoreCase) && m.Option("tokenizer") is null))
                problems.Add($"{Registry.Where(model.Name)}: likelihood scoring ({string.Join(", ", byLikelihood)}) sends the server token ids split by the model's own tokenizer; give the entry option \"tokenizer\", or run with --scoring generate.");
        return problems;
    }

    private string PackSource(TaskDefinition task) =>
        Environment.PackFiles is { } files && files.TryGetValue(task.Name, out var file) ? file : $"(embedded {task.PromptPack})";

    /// <summary>
    /// The text of the restricted tasks' datasets loaded so far, withheld from everything shareable this session writes
    /// or prints; none when the profile opts in to showing it.
    /// </summary>
    public RestrictedText Restricted => Profile.ShowRestrictedText
        ? RestrictedText.None
        : new RestrictedText([.. Tasks.Where(t => t.Restricted && _prepared.TryGetValue(t.Name, out var p) && p.IsValueCreated)
            .SelectMany(t => RestrictedText.Texts(_prepared[t.Name].Value.Ordered))]);

    /// <summary>Throws <see cref="ConfigurationException"/> with every problem <see cref="Preflight"/> found.</summary>
    public void EnsureReady()
    {
        if (Preflight() is { Count: > 0 } problems) throw new ConfigurationException(problems);
    }

    private PreparedTask Prepare(TaskDefinition task) =>
        _prepared.GetOrAdd(task.Name, _ => new Lazy<PreparedTask>(() =>
            PreparedTask.Load(task, Profile.DatasetPath(task.Name, task.DataFile), Profile.Protocol, Environment.Pack(task.PromptPack)))).Value;

    /// <summary>The model-based metrics' resources (BERTScore's encoder), opened on first use and disposed with the session.</summary>
    public Metrics.MetricResources Resources { get; }

    /// <summary>The output folder's lock: no other run writes there while this session lives.</summary>
    public OutputLock Lock { get; }

    public RunProfile Profile { get; }
    public ModelRegistry Registry { get; }
    public IReadOnlyList<TaskDefinition> Tasks { get; }

    /// <summary>What the tasks were created with (protocol, code list, prompt pack files).</summary>
    public TaskEnvironment Environment { get; }
    public Checkpoint Checkpoint { get; }
    public IProgress<EvalProgress>? Progress { get; }
    public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;

    /// <summary>The task named <paramref name="name"/> among the profile's tasks.</summary>
    public TaskDefinition Task(string name) =>
        Tasks.FirstOrDefault(t => t.Name == name) ?? throw new ArgumentException($"Task '{name}' is not selected in profile '{Profile.Name}'.");

    /// <summary>The loaded model (loaded on first use, then shared).</summary>
    public IChatClient Model(string name) =>
        _models.GetOrAdd(name, n => new Lazy<IChatClient>(() => ModelFactory.Create(Registry.Model(n)))).Value;

    /// <summary>The model's identity, hashed once after it is loaded (a tiny model's folder exists only then).</summary>
    public string Identity(string name)
    {
        Model(name);
        return _identities.GetOrAdd(name, n => new Lazy<string>(() => ModelIdentity.Of(Registry.Model(n)).Hash)).Value;
    }

    private readonly ConcurrentDictionary<string, Lazy<string>> _identities = new();

    /// <summary>The generated result of <paramref name="model"/> on <paramref name="task"/>, computed once.</summary>
    public Task<TaskResult> ResultAsync(string task, string model, CancellationToken cancellationToken = default) =>
        ResultAsync(task, ScoringMode.Generate, model, cancellationToken);

    /// <summary>The result of <paramref name="model"/> on <paramref name="task"/> in one scoring mode, computed once.</summary>
    public Task<TaskResult> ResultAsync(string task, ScoringMode scoring, string model, CancellationToken cancellationToken = default) =>
        _results.GetOrAdd((task, scoring, model), key => new Lazy<Task<TaskResult>>(() => ComputeAsync(key.Task, key.Scoring, key.Model, cancellationToken))).Value;

    /// <summary>The modes the run scores <paramref name="task"/> in (BIOEVAL_SCORING, else the task's default).</summary>
    public IReadOnlyList<ScoringMode> Modes(TaskDefinition task) => task.Modes(Profile.Scoring);

    /// <summary>Every result computed so far, in task, mode, then registry order.</summary>
    public IReadOnlyList<TaskResult> CompletedResults() =>
        [.. Tasks.SelectMany(t => Modes(t).SelectMany(s => Registry.Models.Select(m => (t.Name, s, m.Name))))
            .Where(_results.ContainsKey)
            .Select(k => _results[k].Value)
            .Where(r => r.IsCompletedSuccessfully)
            .Select(r => r.Result)];

    /// <summary>
    /// The comparisons of the whole selection (every selected task × pair × headline metric), adjusted together: the
    /// family a verdict is corrected within. Runs every task and model of the pairs first; computed once.
    /// </summary>
    public Task<IReadOnlyList<PairComparison>> ComparisonsAsync(CancellationToken cancellationToken = default)
    {
        lock (_comparisonsGate)
            return _comparisons ??= ComputeComparisonsAsync(cancellationToken);
    }

    private readonly Lock _comparisonsGate = new();
    private Task<IReadOnlyList<PairComparison>>? _comparisons;

    private async Task<IReadOnlyList<PairComparison>> ComputeComparisonsAsync(CancellationToken cancellationToken)
    {
        var models = Registry.Pairs.SelectMany(p => new[] { p.Base, p.Bio }).Distinct().ToList();
        var results = new List<TaskResult>();
        foreach (var task in Tasks)
            foreach (var scoring in Modes(task))
                foreach (var model in models)
                    results.Add(await ResultAsync(task.Name, scoring, model, cancellationToken));
        return Comparisons.Compute(results, Registry.Pairs, Profile.Statistics);
    }

    /// <summary>
    /// Writes the run's files for the completed results: over the folder's results when <paramref name="outcome"/> (by
    /// default: every evaluation started has succeeded) is complete, else into its incomplete/.
    /// </summary>
    public WrittenRun Write(RunOutcome? outcome = null) =>
        RunStore.Write(Profile, Registry, CompletedResults(), Started, outcome: outcome ?? Outcome(), restricted: Restricted);

    /// <summary>Complete when every evaluation started so far succeeded; else why not.</summary>
    public RunOutcome Outcome()
    {
        var started = _results.Values.Where(v => v.IsValueCreated).Select(v => v.Value).ToList();
        if (started.FirstOrDefault(t => t.IsFaulted) is { } failed) return RunOutcome.Failed(failed.Exception!.InnerException!.Message);
        return started.Any(t => t.IsCanceled || !t.IsCompleted) ? RunOutcome.Interrupted : RunOutcome.Completed;
    }

    private async Task<TaskResult> ComputeAsync(string taskName, ScoringMode scoring, string modelName, CancellationToken cancellationToken)
    {
        EnsureReady();
        var task = Task(taskName);
        var prepared = Prepare(task);
        // One (task, model) at a time: the engine batches the requests of one evaluation, and running two
        // evaluations at once would only make them compete for the same cores or GPU.
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var client = Model(modelName);
            var options = new EvalOptions(Profile.Decoding, Profile.Protocol, Profile.Limit, Profile.Concurrency, Checkpoint, Identity(modelName), scoring);
            return await TaskEvaluator.EvaluateAsync(prepared, modelName, client, options, Progress, cancellationToken);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var m in _models.Values.Where(m => m.IsValueCreated)) m.Value.Dispose();
        _oneAtATime.Dispose();
        Resources.Dispose();
        Lock.Dispose();
        return ValueTask.CompletedTask;
    }
}
