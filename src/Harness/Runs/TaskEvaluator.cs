using System.Diagnostics;
using BioEval.Harness.Metrics;
using BioEval.Harness.Protocol;
using BioEval.Harness.Results;
using BioEval.Harness.Tasks;
using BioEval.Models;
using Microsoft.Extensions.AI;

namespace BioEval.Harness.Runs;

/// <summary>
/// Progress of one task on one model: prompts done of the total, of which <paramref name="Resumed"/> came from the
/// checkpoint, and the tokens generated so far (as the backend reports them; 0 when it does not).
/// </summary>
public sealed record EvalProgress(string Task, string Model, int Done, int Total, int Resumed = 0, long GeneratedTokens = 0);

/// <summary>What the evaluator needs besides the task and the model.</summary>
/// <param name="Decoding">Decoding settings, recorded with the result.</param>
/// <param name="Protocol">Protocol options.</param>
/// <param name="Limit">Evaluate at most this many samples (all prompts of a sample count as one).</param>
/// <param name="Concurrency">Requests in flight at once; batching engines pack them into batches.</param>
/// <param name="Checkpoint">Where completed outputs are appended as they arrive, or null.</param>
/// <param name="ModelIdentity">The model's <see cref="Models.ModelIdentity"/> hash, part of every checkpoint key; when
/// null, the model's own (its <c>GetService&lt;ModelIdentity&gt;()</c>) is used, and a checkpoint without either is refused.</param>
/// <param name="Scoring">Generate answers, or (multiple-choice tasks only) take the option the model finds most likely.</param>
public sealed record EvalOptions(
    DecodingSettings Decoding,
    ProtocolOptions Protocol,
    int? Limit = null,
    int Concurrency = 8,
    Checkpoint? Checkpoint = null,
    string? ModelIdentity = null,
    ScoringMode Scoring = ScoringMode.Generate);

/// <summary>
/// Runs one prepared task on one model: builds the prompts, sends them (concurrently, results kept in
/// evaluation order), parses, scores and aggregates. Metric errors are not swallowed: a metric that throws
/// fails the case, because a silently missing score is worse than a loud one.
/// </summary>
/// <remarks>
/// Likelihood scoring (<see cref="ScoringMode.Likelihood"/>) sends the same chats but generates nothing: each option's
/// answer (<see cref="TaskDefinition.Choices"/>) is scored by the backend's <see cref="ILikelihoodScorer"/> as the
/// assistant's reply, and the option with the highest summed log-probability becomes the output, which the task's own
/// parser and metrics then score exactly as a generated answer. Each metric is also reported with <c>_norm</c> for the
/// option of highest log-probability per byte (lm-evaluation-harness's <c>acc_norm</c>); those are not headline. The
/// result does not depend on decoding, so a sampling run scores each item once. A backend without the capability is
/// refused with a message, never scored at chance.
/// </remarks>
public static class TaskEvaluator
{
    public static async Task<TaskResult> EvaluateAsync(
        PreparedTask prepared, string modelName, IChatClient model, EvalOptions options,
        IProgress<EvalProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var task = prepared.Task;
        var watch = Stopwatch.StartNew();
        var tokens = model.GetService<ITokenCounter>();
        if (task.NeedsTokenCounter && tokens is null)
            throw new ArgumentException($"Task {task.Name} packs its prompts to the model's context and needs token counts, which model '{modelName}' ({Backend(model)}) cannot give.");
        var context = new PromptContext(prepared.Ordered, task.FewShot, prepared.Pack, tokens, options.Protocol, task.MaxNewTokens);
        var items = Limit(task.Builder.Build(context), options.Limit);
        // Baselines that need the gold answer or the task get them in process, through their own answer key; real
        // backends offer none, so nothing but the prompt ever goes into a request.
        if (model.GetService<AnswerKey>() is { } answerKey)
            foreach (var item in items) answerKey.Register(item.Messages, new SampleFacts(task.Name, task.PerfectAnswer(item.Sample)));

        var likelihood = options.Scoring == ScoringMode.Likelihood;
        var label = ScoringModes.Label(task.Name, options.Scoring);
        ILikelihoodScorer? scorer = null;
        if (likelihood)
        {
            if (task.Choices is null) throw new ArgumentException($"Task {task.Name} has no options to score by likelihood; only generation applies to it.");
            scorer = model.GetService<ILikelihoodScorer>()
                ?? throw new NotSupportedException($"Model '{modelName}' ({Backend(model)}) cannot return log-probabilities, so {task.Name} cannot be scored by likelihood; use --scoring generate for it.");
        }
        var repeats = likelihood ? 1 : options.Decoding.Repeats;
        var jobs = items.SelectMany(item => Enumerable.Range(0, repeats).Select(r => (item, repeat: r))).ToList();
        var outputs = new string[jobs.Count];
        var errors = new string?[jobs.Count];
        var usage = new RequestUsage?[jobs.Count];
        var likelihoods = new OptionLikelihoods?[jobs.Count];
        var turns = items.ToDictionary(i => i.Id, i => ChatTurn.From(i.Messages));
        var hashes = turns.ToDictionary(kv => kv.Key, kv => ChatTurn.Hash(kv.Value));
        var done = 0;
        var fromCheckpoint = 0;
        long generated = 0;
        var scope = options.Checkpoint is null ? null : new CheckpointScope(label, task.Version, modelName,
            options.ModelIdentity ?? model.GetService<ModelIdentity>()?.Hash
                ?? throw new InvalidOperationException($"Model '{modelName}': checkpointing needs the model's identity."),
            task.MaxNewTokens, options.Decoding);
        var resumed = scope is null ? new Dictionary<(string, int, string), string>() : options.Checkpoint!.Completed(scope);

        progress?.Report(new EvalProgress(label, modelName, 0, jobs.Count));
        await Parallel.ForEachAsync(Enumerable.Range(0, jobs.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Concurrency), CancellationToken = cancellationToken },
            async (index, ct) =>
            {
                var (item, repeat) = jobs[index];
                var hash = hashes[item.Id];
                if (scorer is not null)
                {
                    var choices = task.Choices!(item);
                    if (resumed.TryGetValue((item.Id, repeat, hash), out var saved) && LikelihoodCheckpoint.Read(saved, choices) is { } restored)
                    {
                        likelihoods[index] = restored;
                        Interlocked.Increment(ref fromCheckpoint);
                    }
                    else
                        try
                        {
                            var clock = Stopwatch.StartNew();
                            var scores = await scorer.ScoreChatAsync(item.Messages, choices, ct);
                            if (scores.Count != choices.Count)
                                throw new InvalidOperationException($"Model '{modelName}' scored {scores.Count} of the {choices.Count} options of item {item.Id}.");
                            likelihoods[index] = new OptionLikelihoods(choices, [.. scores.Select(s => s.LogProb)], [.. scores.Select(s => s.Tokens)]);
                            usage[index] = new RequestUsage(null, 0, Math.Round(clock.Elapsed.TotalSeconds, 6));
                            if (scope is not null) options.Checkpoint!.Append(scope, item.Id, repeat, hash, LikelihoodCheckpoint.Write(likelihoods[index]!));
                        }
                        catch (PromptTooLongException e)
                        {
                            errors[index] = e.Message;
                        }
                    outputs[index] = likelihoods[index] is { } o ? o.Choices[o.Best] : "";
                    progress?.Report(new EvalProgress(label, modelName, Interlocked.Increment(ref done), jobs.Count, Volatile.Read(ref fromCheckpoint)));
                    return;
                }
                if (!resumed.TryGetValue((item.Id, repeat, hash), out var text))
                {
                    try
                    {
                        var clock = Stopwatch.StartNew();
                        var response = await model.GetResponseAsync(item.Messages, ChatOptionsFor(task, repeat, options.Decoding), ct);
                        text = response.Text;
                        if (response.Usage?.OutputTokenCount is { } count) Interlocked.Add(ref generated, count);
                        // The backend's own latency where it measures one (a remote client, excluding its queue), else ours.
                        var latency = response.AdditionalProperties?.TryGetValue(ResponseKeys.LatencySeconds, out var l) == true && l is double d
                            ? d : clock.Elapsed.TotalSeconds;
                        usage[index] = new RequestUsage((int?)response.Usage?.InputTokenCount, (int?)response.Usage?.OutputTokenCount, Math.Round(latency, 6));
                        if (scope is not null) options.Checkpoint!.Append(scope, item.Id, repeat, hash, text);
                    }
                    catch (PromptTooLongException e)
                    {
                        // Scored as an empty answer and counted, as a refused request; not checkpointed, so a rerun
                        // with a longer-context model retries it.
                        text = "";
                        errors[index] = e.Message;
                    }
                }
                else
                {
                    Interlocked.Increment(ref fromCheckpoint);
                }
                outputs[index] = text;
                progress?.Report(new EvalProgress(label, modelName, Interlocked.Increment(ref done), jobs.Count,
                    Volatile.Read(ref fromCheckpoint), Interlocked.Read(ref generated)));
            });

        var predictions = new List<PredictionLine>(jobs.Count);
        var perMetric = task.Metrics.Select(_ => new List<IReadOnlyDictionary<string, double>>(jobs.Count)).ToList();
        var perMetricNorm = task.Metrics.Select(_ => new List<IReadOnlyDictionary<string, double>>(jobs.Count)).ToList();
        var inputs = new List<ScoringInput>(jobs.Count);
        var perSample = new List<Dictionary<string, double>>(jobs.Count);
        for (var i = 0; i < jobs.Count; i++)
        {
            var (item, repeat) = jobs[i];
            var parsed = task.Parser.Parse(outputs[i]);
            inputs.Add(new ScoringInput(outputs[i], parsed, item.Sample));
            var scores = Score(task, inputs[^1], perMetric, "");
            perSample.Add(scores);
            if (likelihood)
            {
                var norm = likelihoods[i] is { } o ? o.Choices[o.BestPerByte] : "";
                foreach (var (name, value) in Score(task, new ScoringInput(norm, task.Parser.Parse(norm), item.Sample), perMetricNorm, NormSuffix)) scores[name] = value;
            }
            predictions.Add(new PredictionLine(task.Name, modelName, item.Id, item.Sample.Id, repeat, hashes[item.Id], outputs[i], parsed, scores, errors[i], usage[i],
                options.Scoring, likelihoods[i]));
        }

        var aggregates = new Dictionary<string, double>(Aggregate(task, perMetric, options.Protocol));
        // Model-based metrics score all samples in one batched call, after the per-sample ones.
        foreach (var metric in task.BatchMetrics)
        {
            var values = await metric.ScoreAsync(inputs, cancellationToken);
            if (values.Count != inputs.Count) throw new InvalidOperationException($"Metric {metric.Model.Metric} returned {values.Count} values for {inputs.Count} samples.");
            for (var i = 0; i < values.Count; i++)
                foreach (var (name, value) in values[i]) perSample[i][name] = value;
            foreach (var (name, value) in MetricAggregation.Mean(metric.Outputs, Averaged(task, values, options.Protocol))) aggregates[name] = value;
        }
        if (likelihood)
            foreach (var (name, value) in Aggregate(task, perMetricNorm, options.Protocol)) aggregates[name + NormSuffix] = value;
        return new TaskResult(
            task.Name, task.Version, modelName,
            Typed(task, aggregates, likelihood),
            Samples: items.Select(i => i.Sample.Id).Distinct().Count(),
            Prompts: jobs.Count,
            prepared.DatasetFile, prepared.DatasetSha256, prepared.Pack.Hash,
            Backend: Backend(model),
            watch.Elapsed.TotalSeconds,
            predictions)
        {
            Chats = turns,
            PromptBudgets = (task.Builder as IBudgetedPromptBuilder)?.Budgets(context),
            Scoring = options.Scoring,
            IcdChapters = task.IcdChapters?.Invoke(outputs),
            MetricModels = task.BatchMetrics.Count == 0 ? null : [.. task.BatchMetrics.Select(m => m.Model)],
        };
    }

    /// <summary>The suffix of the metrics that score the most likely option per byte of its answer.</summary>
    public const string NormSuffix = "_norm";

    /// <summary>Scores one answer with every metric, adding each metric's values to its list; the values by name (with <paramref name="suffix"/>).</summary>
    private static Dictionary<string, double> Score(TaskDefinition task, ScoringInput input, List<List<IReadOnlyDictionary<string, double>>> perMetric, string suffix)
    {
        var scores = new Dictionary<string, double>();
        for (var m = 0; m < task.Metrics.Count; m++)
        {
            var values = task.Metrics[m].Score(input);
            perMetric[m].Add(values);
            foreach (var (name, value) in values) scores[name + suffix] = value;
        }
        return scores;
    }

    /// <summary>
    /// The aggregates in the order the task declares its outputs, each with its direction and unit; headline only where
    /// the score is a mean of per-sample values, which the paired statistics can test.
    /// </summary>
    public static IReadOnlyList<MetricValue> Typed(TaskDefinition task, IReadOnlyDictionary<string, double> aggregates, bool withNorm = false) =>
        [.. task.MetricOutputs.Where(o => aggregates.ContainsKey(o.Name)).Select(o => new MetricValue(o.Name, aggregates[o.Name], o.Direction, o.Unit, o.Headline && o.PerSample)),
            .. withNorm ? task.MetricOutputs.Where(o => aggregates.ContainsKey(o.Name + NormSuffix))
                .Select(o => new MetricValue(o.Name + NormSuffix, aggregates[o.Name + NormSuffix], o.Direction, o.Unit, Headline: false)) : []];

    /// <summary>Every metric's aggregate over its per-sample values (one list per metric), in the task's averaging mode.</summary>
    public static IReadOnlyDictionary<string, double> Aggregate(
        TaskDefinition task, IReadOnlyList<IReadOnlyList<IReadOnlyDictionary<string, double>>> perMetric, ProtocolOptions protocol)
    {
        var result = new Dictionary<string, double>();
        for (var m = 0; m < task.Metrics.Count; m++)
            foreach (var (name, value) in task.Metrics[m].Aggregate(Averaged(task, perMetric[m], protocol))) result[name] = value;
        return result;
    }

    /// <summary>Per-sample values as the task's averaging counts them: the first one twice under the reference's averaging.</summary>
    private static IReadOnlyList<T> Averaged<T>(TaskDefinition task, IReadOnlyList<T> values, ProtocolOptions protocol) =>
        task.Averaging == Averaging.FirstSampleTwice && protocol.ReferenceAveraging && values.Count > 0 ? [values[0], .. values] : values;

    private static IReadOnlyList<EvalItem> Limit(IReadOnlyList<EvalItem> items, int? limit)
    {
        if (limit is null) return items;
        var keep = items.Select(i => i.Sample.Id).Distinct().Take(limit.Value).ToHashSet();
        return items.Where(i => keep.Contains(i.Sample.Id)).ToList();
    }

    private static string Backend(IChatClient model) => model.GetService<ChatClientMetadata>()?.ProviderName ?? model.GetType().Name;

    /// <summary>The request's options: decoding only. Nothing about the sample (its reference, its id) is in them.</summary>
    private static ChatOptions ChatOptionsFor(TaskDefinition task, int repeat, DecodingSettings decoding) => new()
    {
        MaxOutputTokens = task.MaxNewTokens,
        Temperature = (float)decoding.Temperature,
        TopP = decoding.TopP is { } p ? (float)p : null,
        Seed = decoding.IsGreedy ? null : SeedValue.AsInt64(decoding.Seed + repeat),
    };
}
