using System.Text;
using BioEval.Models.Gguf;
using BioEval.Models.Onnx;
using LLama;
using LLama.Common;
using LLama.Exceptions;
using LLama.Native;

namespace BioEval.PeerEngines;

/// <summary>Settings of <see cref="LlamaCppEngine"/>.</summary>
public sealed record LlamaCppEngineOptions
{
    /// <summary>CPU threads llama.cpp computes with; 0 keeps llama.cpp's default. Mirrors <c>OnnxSessionOptions.IntraOpNumThreads</c>.</summary>
    public int Threads { get; init; }

    /// <summary>Context (KV cache) length in tokens; 0 takes the model's training context.</summary>
    public int ContextSize { get; init; }

    /// <summary>
    /// Keys and values cached in float32, as BioEval's float32 tiny models cache them; llama.cpp defaults to float16,
    /// which would add its own rounding to every comparison (and change what a speed ratio measures).
    /// </summary>
    public bool Float32Cache { get; init; } = true;

    /// <summary>
    /// llama.cpp's flash attention; off by default because its CPU path casts float32 keys and values to float16,
    /// which moves the tiny model's logits by about 2e-3 and would measure llama.cpp's rounding, not its arithmetic.
    /// </summary>
    public bool FlashAttention { get; init; }

    /// <summary>Token ids that end a continuation early; none by default, so every prompt gets exactly maxNewTokens.</summary>
    public IReadOnlyCollection<int> StopTokenIds { get; init; } = [];
}

/// <summary>
/// llama.cpp (through LLamaSharp and its CPU backend) as a peer engine: loads a GGUF, feeds token ids directly
/// (llama.cpp's tokenizer is never used, so only the network is compared), and decodes greedily by argmax over
/// llama.cpp's logits. Prompts run one after another in one context, whose cache is cleared between them, so an
/// instance serves one caller at a time.
/// </summary>
public sealed class LlamaCppEngine : IPeerEngine
{
    private static readonly object LoadLock = new();
    private static readonly StringBuilder NativeLog = new();
    private static string? _loadFailure;
    private static bool _loaded;

    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;
    private readonly LLamaBatch _batch = new();
    private readonly HashSet<int> _stops;
    private readonly string? _ownedFile;

    private LlamaCppEngine(LLamaWeights weights, LLamaContext context, LlamaCppEngineOptions options, string? ownedFile)
    {
        _weights = weights;
        _context = context;
        _stops = [.. options.StopTokenIds];
        _ownedFile = ownedFile;
        VocabSize = weights.Vocab.Count;
    }

    public string Name => "llamacpp";

    public int VocabSize { get; }

    public int ContextSize => (int)_context.ContextSize;

    /// <summary>
    /// Loads llama.cpp's native library once per process. False, with the reason, when it cannot load on this
    /// machine (missing library, unsupported CPU), so callers can skip instead of crash.
    /// </summary>
    public static bool TryLoadNative(out string? failure)
    {
        lock (LoadLock)
        {
            if (!_loaded && _loadFailure is null)
            {
                try
                {
                    if (!NativeLibraryConfig.LLama.LibraryHasLoaded)
                    {
                        // Keep llama.cpp's chatter off the console; warnings are kept for error messages.
                        NativeLibraryConfig.All.WithLogCallback((level, message) =>
                        {
                            if (level < LLamaLogLevel.Warning) return;
                            lock (NativeLog)
                            {
                                NativeLog.Append(message);
                                if (NativeLog.Length > 8000) NativeLog.Remove(0, NativeLog.Length - 4000);
                            }
                        });
                    }
                    NativeApi.llama_empty_call();
                    _loaded = true;
                }
                catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or RuntimeError or EntryPointNotFoundException or BadImageFormatException)
                {
                    _loadFailure = $"llama.cpp native library could not be loaded: {Innermost(e).Message}";
                }
            }
            failure = _loadFailure;
            return _loaded;
        }
    }

    /// <summary>Loads <paramref name="ggufPath"/> on the CPU.</summary>
    public static LlamaCppEngine Load(string ggufPath, LlamaCppEngineOptions? options = null) => Load(ggufPath, options ?? new(), ownedFile: null);

    /// <summary>
    /// Converts the model folder <paramref name="modelDir"/> to a temporary GGUF (<see cref="LlamaGgufExporter"/>) and
    /// loads it; the file is deleted on dispose. This is how a benchmark compares both engines on one folder.
    /// </summary>
    public static LlamaCppEngine FromModelFolder(string modelDir, LlamaCppEngineOptions? options = null)
    {
        var path = Path.Combine(Path.GetTempPath(), $"bioeval-llamacpp-{Guid.NewGuid():N}.gguf");
        LlamaGgufExporter.Export(modelDir, path);
        try
        {
            return Load(path, options ?? new(), ownedFile: path);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    private static LlamaCppEngine Load(string ggufPath, LlamaCppEngineOptions options, string? ownedFile)
    {
        if (!File.Exists(ggufPath)) throw new FileNotFoundException($"GGUF file '{ggufPath}' does not exist.", ggufPath);
        if (!TryLoadNative(out var failure)) throw new InvalidOperationException(failure);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Threads);
        ArgumentOutOfRangeException.ThrowIfNegative(options.ContextSize);

        var contextSize = options.ContextSize > 0 ? (uint)options.ContextSize : (uint?)null;
        var parameters = new ModelParams(ggufPath)
        {
            GpuLayerCount = 0,
            ContextSize = contextSize,
            FlashAttention = options.FlashAttention,
        };
        if (options.Threads > 0)
        {
            parameters.Threads = options.Threads;
            parameters.BatchThreads = options.Threads;
        }
        if (options.Float32Cache)
        {
            parameters.TypeK = GGMLType.GGML_TYPE_F32;
            parameters.TypeV = GGMLType.GGML_TYPE_F32;
        }

        LLamaWeights? weights = null;
        try
        {
            weights = LLamaWeights.LoadFromFile(parameters);
            // One decode call takes a whole prompt, so batch as many tokens as the context holds.
            var size = contextSize ?? (uint)weights.ContextSize;
            parameters.ContextSize = size;
            parameters.BatchSize = size;
            var context = weights.CreateContext(parameters);
            return new LlamaCppEngine(weights, context, options, ownedFile);
        }
        catch (Exception e) when (e is LoadWeightsFailedException or RuntimeError)
        {
            weights?.Dispose();
            throw new InvalidDataException($"llama.cpp could not load '{ggufPath}': {e.Message} {RecentNativeLog()}".TrimEnd(), e);
        }
        catch
        {
            weights?.Dispose();
            throw;
        }
    }

    /// <summary>Logits at every position of <paramref name="prompt"/>, [prompt length, vocab] row-major.</summary>
    public float[] PromptLogits(IReadOnlyList<int> prompt) => Prefill(prompt, allPositions: true);

    /// <summary>Logits for the token after <paramref name="prompt"/>, [vocab].</summary>
    public float[] NextTokenLogits(IReadOnlyList<int> prompt) => Prefill(prompt, allPositions: false);

    public IReadOnlyList<IReadOnlyList<int>> GenerateGreedy(IReadOnlyList<IReadOnlyList<int>> prompts, int maxNewTokens)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentOutOfRangeException.ThrowIfNegative(maxNewTokens);
        var results = new List<IReadOnlyList<int>>(prompts.Count);
        foreach (var prompt in prompts)
        {
            var output = new List<int>();
            results.Add(output);
            if (maxNewTokens == 0) continue;
            Check(prompt, extra: maxNewTokens);
            var logits = Prefill(prompt, allPositions: false);
            for (var pos = prompt.Count; ; pos++)
            {
                var token = TokenSampler.ArgMax(logits);
                if (_stops.Contains(token)) break;
                output.Add(token);
                if (output.Count == maxNewTokens) break;
                _batch.Clear();
                _batch.Add(token, pos, LLamaSeqId.Zero, true);
                Decode();
                logits = _context.NativeHandle.GetLogitsIth(0).ToArray();
            }
        }
        return results;
    }

    private float[] Prefill(IReadOnlyList<int> prompt, bool allPositions)
    {
        Check(prompt, extra: 0);
        _context.NativeHandle.MemoryClear(true);
        _batch.Clear();
        for (var i = 0; i < prompt.Count; i++) _batch.Add(prompt[i], i, LLamaSeqId.Zero, allPositions || i == prompt.Count - 1);
        Decode();
        if (!allPositions) return _context.NativeHandle.GetLogitsIth(prompt.Count - 1).ToArray();
        var result = new float[prompt.Count * VocabSize];
        for (var i = 0; i < prompt.Count; i++) _context.NativeHandle.GetLogitsIth(i).CopyTo(result.AsSpan(i * VocabSize, VocabSize));
        return result;
    }

    private void Decode()
    {
        var status = _context.NativeHandle.Decode(_batch);
        if (status != DecodeResult.Ok) throw new InvalidOperationException($"llama.cpp decode failed ({status}). {RecentNativeLog()}".TrimEnd());
    }

    private void Check(IReadOnlyList<int> prompt, int extra)
    {
        if (prompt is null || prompt.Count == 0) throw new ArgumentException("A prompt must hold at least one token.", nameof(prompt));
        foreach (var id in prompt)
            if (id < 0 || id >= VocabSize) throw new ArgumentException($"Token id {id} is outside the vocabulary of {VocabSize}.", nameof(prompt));
        if (prompt.Count + extra > ContextSize)
            throw new ArgumentException($"{prompt.Count} prompt tokens + {extra} new tokens exceed llama.cpp's context of {ContextSize}.", nameof(prompt));
    }

    private static string RecentNativeLog()
    {
        lock (NativeLog)
        {
            var text = NativeLog.ToString().Trim();
            return text.Length == 0 ? "" : "llama.cpp said: " + (text.Length > 2000 ? text[^2000..] : text);
        }
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }

    public void Dispose()
    {
        _context.Dispose();
        _weights.Dispose();
        if (_ownedFile is not null)
        {
            try { File.Delete(_ownedFile); } catch (IOException) { }
        }
    }
}
