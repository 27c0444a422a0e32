using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using BioEval.Models.Templates;
using BioEval.Models.Tokenization;
using Microsoft.Extensions.AI;

namespace BioEval.Models.Onnx;

/// <summary>Options of the in-process ONNX chat client.</summary>
/// <param name="MaxBatchSize">Most prompts decoded together.</param>
/// <param name="MaxBatchTokens">Most padded prompt tokens (rows x longest prompt) prefilled together; bounds the
/// attention working set of long prompts, which grows with the square of their length.</param>
/// <param name="BatchWindow">How long the scheduler waits for more requests before starting a batch that is not full.</param>
/// <param name="Session">ONNX Runtime session options (execution provider, threads).</param>
/// <param name="ChatTemplateFile">A Jinja template file replacing the tokenizer's own chat template.</param>
/// <param name="AddSpecialTokens">Encode the rendered chat with the tokenizer's special tokens, as the reference's vLLM
/// 0.6.6 did (a second BOS for templates that write one); see <see cref="ChatPrompt"/>.</param>
public sealed record OnnxChatOptions(
    int MaxBatchSize = 8,
    int MaxBatchTokens = 4096,
    TimeSpan? BatchWindow = null,
    OnnxSessionOptions? Session = null,
    string? ChatTemplateFile = null,
    bool AddSpecialTokens = false);

/// <summary>
/// A model folder (ONNX export + Hugging Face tokenizer files) behind <see cref="IChatClient"/>. Each request's chat
/// is rendered with the model's own chat template (add_generation_prompt, as transformers and vLLM do), encoded
/// without adding special tokens (the template writes them, as <c>apply_chat_template</c> does) and queued;
/// one scheduler thread collects concurrent requests, groups those with equal decoding settings by prompt length
/// and decodes each group as one batch. So callers simply send requests concurrently and batching happens here.
/// </summary>
public sealed class OnnxChatClient : IChatClient, ILikelihoodScorer
{
    private readonly Channel<Request> _queue = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
    private readonly OnnxDecoderSession _session;
    private readonly Generator _generator;
    private readonly ChatPrompt _prompt;
    private readonly TokenCounter _counter;
    private readonly HashSet<int> _stops;
    private readonly OnnxChatOptions _options;
    private readonly Task _scheduler;
    private readonly ChatClientMetadata _metadata;

    public OnnxChatClient(string name, string modelDirectory, OnnxChatOptions? options = null)
    {
        ModelFolder.Require(modelDirectory);
        Name = name;
        _options = options ?? new OnnxChatOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxBatchTokens, 1);
        Tokenizer = HfTokenizer.FromDirectory(modelDirectory);
        var templateSource = _options.ChatTemplateFile is { } file ? File.ReadAllText(file) : null;
        _prompt = new ChatPrompt(Tokenizer, ChatTemplate.FromTokenizerConfig(Path.Combine(modelDirectory, "tokenizer_config.json"), templateSource, _options.ChatTemplateFile),
            _options.AddSpecialTokens);
        _session = OnnxDecoderSession.Open(modelDirectory, _options.Session);
        _generator = new Generator(_session);
        _counter = new TokenCounter(Tokenizer, _session.ContextLength, messages => EncodePrompt(messages).Count);
        _stops = [.. _session.EosTokenIds, .. Tokenizer.EosTokenIds];
        _metadata = new ChatClientMetadata($"onnxruntime/{_session.ExecutionProvider}", defaultModelId: name);
        _scheduler = Task.Factory.StartNew(RunScheduler, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>The registry name of the model.</summary>
    public string Name { get; }

    /// <summary>The execution provider that runs the model ("CUDA" or "CPU").</summary>
    public string ExecutionProvider => _session.ExecutionProvider;

    /// <summary>The model's tokenizer.</summary>
    public HfTokenizer Tokenizer { get; }

    /// <summary>The exact text the model sees for <paramref name="messages"/> (chat template, generation prompt added).</summary>
    public string Render(IEnumerable<ChatMessage> messages) => _prompt.Render(messages);

    /// <summary>The token ids sent for <paramref name="messages"/>: the rendered chat, encoded as the options say.</summary>
    public IReadOnlyList<int> EncodePrompt(IEnumerable<ChatMessage> messages) => _prompt.Encode(messages);

    private readonly Lock _scoring = new();

    /// <summary>
    /// Log-probabilities of <paramref name="ids"/> token by token (see <see cref="PromptScoring"/>); one scoring at a
    /// time, beside generation.
    /// </summary>
    public PromptScores ScorePrompt(IReadOnlyList<int> ids, int top = 0)
    {
        if (ids.Count > _session.ContextLength) throw new PromptTooLongException(Name, ids.Count, _session.ContextLength);
        lock (_scoring) return PromptScoring.Score(_session, ids, top);
    }

    /// <summary>
    /// The summed log-probability and token count of each continuation after <paramref name="context"/> (raw text, no
    /// chat template; tokenised as <see cref="ContinuationScoring"/> says), the context computed once.
    /// </summary>
    public IReadOnlyList<ContinuationScore> ScoreContinuations(string context, IReadOnlyList<string> continuations)
    {
        var (contextIds, continuationIds) = ContinuationScoring.Encode(Tokenizer, context, continuations);
        lock (_scoring) return ContinuationScoring.Score(_session, contextIds, continuationIds, Name);
    }

    public Task<IReadOnlyList<ContinuationScore>> ScoreAsync(string context, IReadOnlyList<string> continuations, CancellationToken cancellationToken = default) =>
        Task.Run(() => ScoreContinuations(context, continuations), cancellationToken);

    public Task<IReadOnlyList<ContinuationScore>> ScoreChatAsync(IReadOnlyList<ChatMessage> messages, IReadOnlyList<string> continuations, CancellationToken cancellationToken = default) =>
        ScoreAsync(Render(messages), continuations, cancellationToken);

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var prompt = EncodePrompt(messages);
        if (prompt.Count >= _session.ContextLength)
            throw new PromptTooLongException(Name, prompt.Count, _session.ContextLength);
        var request = new Request(prompt, ToGenerationOptions(options), new TaskCompletionSource<GenerationResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        using (cancellationToken.Register(() => request.Completion.TrySetCanceled(cancellationToken)))
        {
            if (!_queue.Writer.TryWrite(request)) throw new ObjectDisposedException(nameof(OnnxChatClient));
            var result = await request.Completion.Task.ConfigureAwait(false);
            var text = Tokenizer.Decode(result.TokenIds, skipSpecialTokens: true);
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
            {
                ModelId = Name,
                FinishReason = result.FinishReason == FinishReason.Stop ? ChatFinishReason.Stop : ChatFinishReason.Length,
                Usage = new UsageDetails { InputTokenCount = prompt.Count, OutputTokenCount = result.TokenIds.Count },
            };
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates()) yield return update;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType.IsInstanceOfType(this) ? this
        : serviceType == typeof(ITokenCounter) ? _counter
        : serviceType == typeof(ChatClientMetadata) ? _metadata
        : null;

    private GenerationOptions ToGenerationOptions(ChatOptions? options) => new()
    {
        MaxNewTokens = options?.MaxOutputTokens ?? 256,
        Temperature = options?.Temperature ?? 0f,
        TopP = options?.TopP ?? 1f,
        Seed = options?.Seed is { } seed ? unchecked((ulong)seed) : 0UL,
        StopTokenIds = _stops,
    };

    private async Task RunScheduler()
    {
        var window = _options.BatchWindow ?? TimeSpan.FromMilliseconds(2);
        var reader = _queue.Reader;
        var pending = new List<Request>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Collect what is queued, and give stragglers of the same burst a moment to arrive.
            while (reader.TryRead(out var r)) pending.Add(r);
            if (pending.Count < _options.MaxBatchSize)
            {
                await Task.Delay(window).ConfigureAwait(false);
                while (reader.TryRead(out var r)) pending.Add(r);
            }
            pending.RemoveAll(r => r.Completion.Task.IsCompleted);
            foreach (var group in pending.GroupBy(r => r.Options))
            {
                var requests = group.ToList();
                foreach (var batch in BatchScheduler.Plan([.. requests.Select(r => r.Prompt.Count)], _options.MaxBatchSize, _options.MaxBatchTokens))
                {
                    var rows = batch.Select(i => requests[i]).ToList();
                    try
                    {
                        var results = _generator.Generate([.. rows.Select(r => r.Prompt)], group.Key);
                        for (var i = 0; i < rows.Count; i++) rows[i].Completion.TrySetResult(results[i]);
                    }
                    catch (Exception e)
                    {
                        foreach (var r in rows) r.Completion.TrySetException(e);
                    }
                }
            }
            pending.Clear();
        }
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        try { _scheduler.Wait(TimeSpan.FromSeconds(30)); }
        catch (AggregateException) { }
        _session.Dispose();
    }

    private sealed record Request(IReadOnlyList<int> Prompt, GenerationOptions Options, TaskCompletionSource<GenerationResult> Completion);
}
