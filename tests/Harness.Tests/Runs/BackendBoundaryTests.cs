using System.Collections.Concurrent;
using System.Text.Json;
using BioEval.Harness.Protocol;
using BioEval.Harness.Runs;
using BioEval.Harness.Tasks;
using BioEval.Models;
using BioEval.Models.Baselines;
using Microsoft.Extensions.AI;

namespace BioEval.Harness.Tests.Runs;

/// <summary>A backend is sent the prompt and the decoding settings, nothing else: gold answers stay in the harness.</summary>
public sealed class BackendBoundaryTests
{
    [Fact]
    public async Task NoBackendIsSentTheReferenceAnswerOfASampleItEvaluates()
    {
        // References that never occur in any prompt: a request carrying one can only have been given it.
        var samples = TestTasks.Samples(6).Select(s => s with { Reference = $"gold-answer-{s.Id}" }).ToList();
        var task = TestTasks.Echo() with { Loader = new TestTasks.ListLoader(samples), FewShot = 0 };
        var backend = new RecordingBackend(tokens: null);

        var result = await TaskEvaluator.EvaluateAsync(new PreparedTask(task, TestTasks.Pack, "echo.jsonl", "0", samples), "remote", backend,
            new EvalOptions(DecodingSettings.Greedy, ProtocolOptions.Default), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(6, backend.Requests.Count);
        Assert.All(backend.Requests, r => Assert.DoesNotContain("gold-answer", r));
        Assert.Equal(6, result.Prompts);
    }

    [Fact]
    public async Task OnEveryTaskOfTheEmbeddedProfileTheRequestOptionsHoldDecodingOnly()
    {
        var profile = RunProfile.Load("embedded");
        var env = new TaskEnvironment(profile.Protocol, profile.IcdCodeList);
        foreach (var task in TaskCatalog.All(env))
        {
            var prepared = PreparedTask.Load(task, profile.DatasetPath(task.Name, task.DataFile), profile.Protocol);
            var backend = new RecordingBackend(new ApproximateTokenCounter(8192));
            await TaskEvaluator.EvaluateAsync(prepared, "remote", backend, new EvalOptions(DecodingSettings.Greedy, profile.Protocol, Limit: 3),
                cancellationToken: TestContext.Current.CancellationToken);
            Assert.NotEmpty(backend.Options);
            Assert.All(backend.Options, o => Assert.Null(o.AdditionalProperties));
            Assert.All(backend.Options, o => Assert.Null(o.RawRepresentationFactory));
            Assert.All(backend.Options, o => Assert.Equal(task.MaxNewTokens, o.MaxOutputTokens));
        }
    }

    [Fact]
    public async Task ATaskThatPacksToTheContextRefusesABackendThatCannotCountTokensAndOthersRunWithoutOne()
    {
        var profile = RunProfile.Load("embedded");
        var env = new TaskEnvironment(profile.Protocol, profile.IcdCodeList);
        var longHealth = TaskCatalog.Select(env, ["LongHealth"])[0];
        var prepared = PreparedTask.Load(longHealth, profile.DatasetPath(longHealth.Name, longHealth.DataFile), profile.Protocol);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => TaskEvaluator.EvaluateAsync(prepared, "remote", new RecordingBackend(tokens: null),
            new EvalOptions(DecodingSettings.Greedy, profile.Protocol, Limit: 1), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal("Task LongHealth packs its prompts to the model's context and needs token counts, which model 'remote' (recording) cannot give.", e.Message);

        var medNli = TaskCatalog.Select(env, ["MedNLI"])[0];
        var result = await TaskEvaluator.EvaluateAsync(PreparedTask.Load(medNli, profile.DatasetPath(medNli.Name, medNli.DataFile), profile.Protocol),
            "remote", new RecordingBackend(tokens: null), new EvalOptions(DecodingSettings.Greedy, profile.Protocol, Limit: 2), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(2, result.Samples);
    }

    /// <summary>A stand-in remote backend: records each request as it would go on the wire, answers "x".</summary>
    private sealed class RecordingBackend(ITokenCounter? tokens) : IChatClient
    {
        public ConcurrentBag<string> Requests { get; } = [];
        public ConcurrentBag<ChatOptions> Options { get; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Options.Add(options!);
            Requests.Add(JsonSerializer.Serialize(new { messages, options }, AIJsonUtilities.DefaultOptions));
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "x")));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(ITokenCounter) ? tokens
            : serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("recording")
            : null;

        public void Dispose() { }
    }
}
