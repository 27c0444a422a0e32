using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace BioEval.Models.Onnx;

/// <summary>How to open an ONNX decoder.</summary>
public sealed record OnnxSessionOptions
{
    /// <summary>Try the CUDA execution provider first (falls back to CPU when it cannot load).</summary>
    public bool PreferCuda { get; init; } = true;

    public int CudaDeviceId { get; init; }

    /// <summary>Threads for one operator; 0 lets ONNX Runtime decide.</summary>
    public int IntraOpNumThreads { get; init; }

    /// <summary>
    /// Let generation compute logits only at each prompt's last position, through the graph rewrite of
    /// <see cref="LogitsSlicer"/> (where the graph allows it). Off: the graph runs as exported.
    /// </summary>
    public bool SliceLogits { get; init; } = true;

    /// <summary>Receives the one-time execution provider message; null writes it to standard error.</summary>
    public Action<string>? Log { get; init; }
}

/// <summary>
/// An ONNX Runtime session over a decoder-only model folder (Optimum or onnxruntime-genai layout).
/// The key/value cache stays in <see cref="OrtValue"/>s owned by a <see cref="DecoderState"/>: each step's
/// present outputs become the next step's past inputs without passing through managed arrays, and on CUDA
/// they stay in device memory.
/// </summary>
public sealed class OnnxDecoderSession : IDisposable
{
    private static int _loggedCpu;
    private static int _loggedCuda;

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();

    // A long prefill's attention buffers grow with the square of its length; the CPU arena would keep them for the
    // rest of the run. Runs at least this large hand the arena's unused memory back afterwards.
    private const long ShrinkAfterTokens = 1024;
    private readonly RunOptions _shrinkingRunOptions = ShrinkingRunOptions();
    private readonly OrtMemoryInfo _cacheMemory;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    // Values of LogitsSlicer.StartInput: keep every position, or only the last.
    private static readonly long[] AllPositions = [0];
    private static readonly long[] LastPosition = [-1];
    private readonly OrtValue _keepAll = OrtValue.CreateTensorValueFromMemory(AllPositions, [1]);
    private readonly OrtValue _keepLast = OrtValue.CreateTensorValueFromMemory(LastPosition, [1]);

    private OnnxDecoderSession(string dir, string modelPath, InferenceSession session, string provider, OrtMemoryInfo cacheMemory, JsonElement? genAi, LogitsSliceResult slice)
    {
        ModelDirectory = dir;
        ModelPath = modelPath;
        _session = session;
        ExecutionProvider = provider;
        _cacheMemory = cacheMemory;
        SlicesLogits = slice.Applied;
        LogitsSliceNote = slice.Reason;
        Layout = DecoderLayout.Detect(session.InputMetadata.Keys.Where(n => !(SlicesLogits && n == LogitsSlicer.StartInput)).ToList(), session.OutputMetadata.Keys.ToList(),
            GenAiDecoder(genAi), modelPath);

        var past = session.InputMetadata[Layout.PastKeys[0]];
        CacheElementType = past.ElementDataType;
        if (CacheElementType is not (TensorElementType.Float or TensorElementType.Float16))
            throw new InvalidDataException($"ONNX model '{modelPath}': input {Layout.PastKeys[0]} has element type {CacheElementType}; only float32 and float16 caches are supported.");
        if (past.Dimensions.Length != 4 || past.Dimensions[1] <= 0 || past.Dimensions[3] <= 0)
            throw new InvalidDataException($"ONNX model '{modelPath}': input {Layout.PastKeys[0]} has shape [{string.Join(", ", past.Dimensions)}]; expected [batch, kv_heads, past, head_dim] with fixed kv_heads and head_dim.");
        // Name order of the plain (CPU) run: ids, mask, [positions,] past per layer; logits, present per layer.
        _inputNames = [Layout.InputIds, Layout.AttentionMask, .. Layout.PositionIds is null ? [] : new[] { Layout.PositionIds },
            .. Enumerable.Range(0, Layout.NumLayers).SelectMany(l => new[] { Layout.PastKeys[l], Layout.PastValues[l] }),
            .. SlicesLogits ? new[] { LogitsSlicer.StartInput } : []];
        _outputNames = [Layout.Logits, .. Enumerable.Range(0, Layout.NumLayers).SelectMany(l => new[] { Layout.PresentKeys[l], Layout.PresentValues[l] })];
        NumKeyValueHeads = past.Dimensions[1];
        HeadDim = past.Dimensions[3];
        var logits = session.OutputMetadata[Layout.Logits];
        LogitsElementType = logits.ElementDataType;
        if (LogitsElementType is not (TensorElementType.Float or TensorElementType.Float16))
            throw new InvalidDataException($"ONNX model '{modelPath}': output {Layout.Logits} has element type {LogitsElementType}; expected float32 or float16.");

        var config = ReadJson(Path.Combine(dir, "config.json"));
        var generation = ReadJson(Path.Combine(dir, "generation_config.json"));
        var genAiModel = genAi is { } gm && gm.TryGetProperty("model", out var mm) ? mm : (JsonElement?)null;
        var vocabFromShape = logits.Dimensions.Length == 3 && logits.Dimensions[2] > 0 ? logits.Dimensions[2] : (int?)null;
        VocabSize = vocabFromShape ?? Int(config, "vocab_size") ?? Int(genAiModel, "vocab_size")
            ?? throw new InvalidDataException($"ONNX model '{modelPath}': the vocabulary size is neither in the logits shape nor in config.json (vocab_size).");
        ContextLength = Int(genAiModel, "context_length") ?? Int(config, "max_position_embeddings") ?? int.MaxValue;
        EosTokenIds = Ids(generation, "eos_token_id") ?? Ids(config, "eos_token_id") ?? Ids(genAiModel, "eos_token_id") ?? [];
        BosTokenId = Int(generation, "bos_token_id") ?? Int(config, "bos_token_id") ?? Int(genAiModel, "bos_token_id");
        PadTokenId = Int(generation, "pad_token_id") ?? Int(config, "pad_token_id") ?? Int(genAiModel, "pad_token_id") ?? (EosTokenIds.Count > 0 ? EosTokenIds[0] : 0);
    }

    public string ModelDirectory { get; }
    public string ModelPath { get; }

    /// <summary>"CUDA" or "CPU".</summary>
    public string ExecutionProvider { get; }

    public DecoderLayout Layout { get; }

    /// <summary>Whether the graph was rewritten so a step can keep only the last position's logits (<see cref="LogitsSlicer"/>).</summary>
    public bool SlicesLogits { get; }

    /// <summary>Why the graph computes logits at every position, where slicing was asked for and could not apply; else null.</summary>
    public string? LogitsSliceNote { get; }

    public int NumLayers => Layout.NumLayers;
    public int NumKeyValueHeads { get; }
    public int HeadDim { get; }
    public int VocabSize { get; }

    /// <summary>Longest sequence (prompt + generated) the model supports; int.MaxValue when the folder does not say.</summary>
    public int ContextLength { get; }

    public TensorElementType CacheElementType { get; }
    public TensorElementType LogitsElementType { get; }

    /// <summary>End-of-sequence ids from generation_config.json, config.json or genai_config.json (first found).</summary>
    public IReadOnlyList<int> EosTokenIds { get; }
    public int? BosTokenId { get; }

    /// <summary>Token fed to padding positions and finished rows; the model never attends to it.</summary>
    public int PadTokenId { get; }

    /// <summary>Opens the model in <paramref name="modelDir"/>: genai_config.json's decoder file, else model.onnx, else onnx/model.onnx.</summary>
    public static OnnxDecoderSession Open(string modelDir, OnnxSessionOptions? options = null)
    {
        options ??= new OnnxSessionOptions();
        ModelFolder.Require(modelDir);
        var genAi = ReadJson(Path.Combine(modelDir, "genai_config.json"));
        var modelPath = FindModelFile(modelDir, genAi);
        var log = options.Log ?? (message => Console.Error.WriteLine(message));
        var slice = options.SliceLogits ? SliceLogits(modelPath, genAi) : new LogitsSliceResult(null, null);
        if (options.SliceLogits && !slice.Applied) log($"ONNX Runtime: {modelPath} computes logits at every prompt position ({slice.Reason}).");

        if (options.PreferCuda && !CudaLibraries.Available(out var missing))
        {
            // Probing first keeps ONNX Runtime from logging a native error on every machine without CUDA.
            if (Interlocked.Exchange(ref _loggedCpu, 1) == 0) log($"ONNX Runtime: CUDA is not available ({missing}); using the CPU execution provider.");
        }
        else if (options.PreferCuda)
        {
            string? failure = null;
            using var cudaOptions = BaseOptions(options, cpu: false);
            try
            {
                cudaOptions.AppendExecutionProvider_CUDA(options.CudaDeviceId);
                var (session, cudaSlice) = NewSession(modelPath, slice, cudaOptions, log);
                if (Interlocked.Exchange(ref _loggedCuda, 1) == 0) log($"ONNX Runtime: using the CUDA execution provider (device {options.CudaDeviceId}).");
                var memory = new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, options.CudaDeviceId, OrtMemType.Default);
                return Create(modelDir, modelPath, session, "CUDA", memory, genAi, cudaSlice);
            }
            catch (OnnxRuntimeException e) { failure = e.Message; }
            catch (EntryPointNotFoundException e) { failure = e.Message; }
            catch (DllNotFoundException e) { failure = e.Message; }
            if (Interlocked.Exchange(ref _loggedCpu, 1) == 0) log($"ONNX Runtime: CUDA is not available ({FirstLine(failure)}); using the CPU execution provider.");
        }
        else if (Interlocked.Exchange(ref _loggedCpu, 1) == 0)
        {
            log("ONNX Runtime: using the CPU execution provider.");
        }

        using var cpuOptions = BaseOptions(options, cpu: true);
        var (cpuSession, cpuSlice) = NewSession(modelPath, slice, cpuOptions, log);
        return Create(modelDir, modelPath, cpuSession, "CPU", OrtMemoryInfo.DefaultInstance, genAi, cpuSlice);
    }

    // The rewritten graph is loaded from memory; its external data files are still found beside the original. Should
    // ONNX Runtime refuse the rewritten graph, the model runs as exported rather than not at all.
    internal static (InferenceSession Session, LogitsSliceResult Slice) NewSession(string modelPath, LogitsSliceResult slice, SessionOptions options, Action<string> log)
    {
        if (slice.Model is null) return (new InferenceSession(modelPath, options), slice);
        // The folder is the model's own, so the entry changes nothing if the original file is loaded after all.
        options.AddSessionConfigEntry("session.model_external_initializers_file_folder_path", Path.GetDirectoryName(Path.GetFullPath(modelPath))!);
        try
        {
            return (new InferenceSession(slice.Model, options), slice);
        }
        catch (OnnxRuntimeException e)
        {
            var unsliced = new LogitsSliceResult(null, $"ONNX Runtime refused the rewritten graph: {FirstLine(e.Message)}");
            log($"ONNX Runtime: {modelPath} computes logits at every prompt position ({unsliced.Reason}).");
            return (new InferenceSession(modelPath, options), unsliced);
        }
    }

    private static LogitsSliceResult SliceLogits(string modelPath, JsonElement? genAi)
    {
        var length = new FileInfo(modelPath).Length;
        if (length >= int.MaxValue) return new LogitsSliceResult(null, "the ONNX file is 2 GiB or more");
        var logits = DecoderLayout.GenAiName(GenAiDecoder(genAi), "outputs", "logits", OptimumNames.Logits);
        try
        {
            return LogitsSlicer.Rewrite(File.ReadAllBytes(modelPath), logits);
        }
        catch (InvalidDataException e)
        {
            return new LogitsSliceResult(null, e.Message);
        }
    }

    private static OnnxDecoderSession Create(string dir, string modelPath, InferenceSession session, string provider, OrtMemoryInfo memory, JsonElement? genAi, LogitsSliceResult slice)
    {
        try
        {
            return new OnnxDecoderSession(dir, modelPath, session, provider, memory, genAi, slice);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>A fresh, empty cache for <paramref name="batchSize"/> rows.</summary>
    public DecoderState CreateState(int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var past = new OrtValue[2 * NumLayers];
        long[] shape = [batchSize, NumKeyValueHeads, 0, HeadDim];
        for (var i = 0; i < past.Length; i++) past[i] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, CacheElementType, shape);
        return new DecoderState(batchSize, past, _session.CreateIoBinding());
    }

    /// <summary>Whether <see cref="SelectRows"/> works here: the cache is in host memory (CPU provider).</summary>
    public bool CanSelectRows => ExecutionProvider == "CPU";

    /// <summary>
    /// A new state holding only <paramref name="rows"/> of <paramref name="state"/>'s cache, in that order (CPU only).
    /// Lets the generator drop finished rows: every later step then computes, and copies the cache of, fewer rows.
    /// The old state stays valid; dispose it.
    /// </summary>
    public DecoderState SelectRows(DecoderState state, IReadOnlyList<int> rows)
    {
        ObjectDisposedException.ThrowIf(state.IsDisposed, state);
        if (!CanSelectRows) throw new NotSupportedException($"Selecting cache rows needs the cache in host memory; this session runs on {ExecutionProvider}.");
        ArgumentOutOfRangeException.ThrowIfLessThan(rows.Count, 1);
        foreach (var r in rows)
            if (r < 0 || r >= state.BatchSize) throw new ArgumentOutOfRangeException(nameof(rows), r, $"Row {r} is outside the batch of {state.BatchSize}.");
        long[] shape = [rows.Count, NumKeyValueHeads, state.PastLength, HeadDim];
        var rowSize = NumKeyValueHeads * state.PastLength * HeadDim;
        var past = new OrtValue[state.Past.Length];
        try
        {
            for (var i = 0; i < past.Length; i++)
            {
                past[i] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, CacheElementType, shape);
                if (CacheElementType == TensorElementType.Float) CopyRows<float>(state.Past[i], past[i], rows, rowSize);
                else CopyRows<Float16>(state.Past[i], past[i], rows, rowSize);
            }
        }
        catch
        {
            foreach (var p in past) p?.Dispose();
            throw;
        }
        return new DecoderState(rows.Count, past, _session.CreateIoBinding(), state.PastLength);
    }

    private static void CopyRows<T>(OrtValue from, OrtValue to, IReadOnlyList<int> rows, int rowSize) where T : unmanaged
    {
        var source = from.GetTensorDataAsSpan<T>();
        var target = to.GetTensorMutableDataAsSpan<T>();
        for (var j = 0; j < rows.Count; j++) source.Slice(rows[j] * rowSize, rowSize).CopyTo(target.Slice(j * rowSize, rowSize));
    }

    /// <summary>
    /// Runs one step: <paramref name="inputIds"/> and <paramref name="positionIds"/> are [batch, seqLen] row-major,
    /// <paramref name="attentionMask"/> is [batch, past + seqLen]. Afterwards the state holds the longer cache and
    /// this step's logits (read them with <see cref="CopyLastLogits"/> or <see cref="CopyAllLogits"/>).
    /// <paramref name="lastLogitsOnly"/> lets the step compute logits at each row's last position only, where the
    /// session <see cref="SlicesLogits"/>; <see cref="CopyAllLogits"/> then refuses.
    /// </summary>
    public void Forward(DecoderState state, ReadOnlySpan<long> inputIds, ReadOnlySpan<long> attentionMask, ReadOnlySpan<long> positionIds, int seqLen, bool lastLogitsOnly = false)
    {
        ObjectDisposedException.ThrowIf(state.IsDisposed, state);
        int b = state.BatchSize, total = state.PastLength + seqLen;
        if (seqLen < 1 || inputIds.Length != b * seqLen)
            throw new ArgumentException($"input_ids has {inputIds.Length} values; expected batch {b} x sequence {seqLen}.", nameof(inputIds));
        if (attentionMask.Length != b * total)
            throw new ArgumentException($"attention_mask has {attentionMask.Length} values; expected batch {b} x (past {state.PastLength} + sequence {seqLen}).", nameof(attentionMask));
        if (Layout.PositionIds is not null && positionIds.Length != b * seqLen)
            throw new ArgumentException($"position_ids has {positionIds.Length} values; expected batch {b} x sequence {seqLen}.", nameof(positionIds));

        var idsValue = state.Stage(0, inputIds, b, seqLen);
        var maskValue = state.Stage(1, attentionMask, b, total);
        var posValue = Layout.PositionIds is null ? null : state.Stage(2, positionIds, b, seqLen);
        var keepLast = SlicesLogits && lastLogitsOnly && seqLen > 1;
        var logitsPositions = keepLast ? 1 : seqLen;

        if (ExecutionProvider == "CPU")
        {
            // On the CPU everything already lives in host memory: a plain run with the session's cached UTF-8 names
            // costs less per step than rebinding a dozen inputs and outputs by name.
            var inputs = state.Inputs(_inputNames.Length);
            var i = 0;
            inputs[i++] = idsValue;
            inputs[i++] = maskValue;
            if (posValue is not null) inputs[i++] = posValue;
            for (var p = 0; p < state.Past.Length; p++) inputs[i++] = state.Past[p];
            if (SlicesLogits) inputs[i++] = keepLast ? _keepLast : _keepAll;
            var runOptions = (long)b * seqLen >= ShrinkAfterTokens ? _shrinkingRunOptions : _runOptions;
            state.Advance(_session.Run(runOptions, _inputNames, inputs, _outputNames), seqLen, logitsPositions);
            return;
        }

        var binding = state.Binding;
        binding.ClearBoundInputs();
        binding.ClearBoundOutputs();
        binding.BindInput(Layout.InputIds, idsValue);
        binding.BindInput(Layout.AttentionMask, maskValue);
        if (posValue is not null) binding.BindInput(Layout.PositionIds!, posValue);
        for (var l = 0; l < NumLayers; l++)
        {
            binding.BindInput(Layout.PastKeys[l], state.Past[2 * l]);
            binding.BindInput(Layout.PastValues[l], state.Past[2 * l + 1]);
        }
        if (SlicesLogits) binding.BindInput(LogitsSlicer.StartInput, keepLast ? _keepLast : _keepAll);
        // Logits come back to host memory (the sampler reads them); the cache stays where the provider computes.
        binding.BindOutputToDevice(Layout.Logits, OrtMemoryInfo.DefaultInstance);
        for (var l = 0; l < NumLayers; l++)
        {
            binding.BindOutputToDevice(Layout.PresentKeys[l], _cacheMemory);
            binding.BindOutputToDevice(Layout.PresentValues[l], _cacheMemory);
        }

        _session.RunWithBinding(_runOptions, binding);
        state.Advance(binding.GetOutputValues(), seqLen, logitsPositions);
    }

    /// <summary>Logits of each row's last position into <paramref name="destination"/> [batch, vocab].</summary>
    public void CopyLastLogits(DecoderState state, Span<float> destination)
    {
        var logits = state.Logits ?? throw new InvalidOperationException("No step has been run on this state yet.");
        int b = state.BatchSize, s = state.LogitsPositions, v = VocabSize;
        if (destination.Length < b * v) throw new ArgumentException($"Destination holds {destination.Length} values; {b * v} are needed.", nameof(destination));
        for (var r = 0; r < b; r++) CopyRow(logits, ((r * s) + s - 1) * v, destination.Slice(r * v, v));
    }

    /// <summary>
    /// One row's last-position logits read in place, valid until the next step; only for float32 logits
    /// (<see cref="LogitsElementType"/>). Greedy decoding reads them here instead of copying every row each step.
    /// </summary>
    public ReadOnlySpan<float> LastLogitsInPlace(DecoderState state, int row)
    {
        var logits = state.Logits ?? throw new InvalidOperationException("No step has been run on this state yet.");
        if (LogitsElementType != TensorElementType.Float) throw new NotSupportedException($"Logits are {LogitsElementType}; read them with CopyLastLogits.");
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, state.BatchSize);
        int s = state.LogitsPositions, v = VocabSize;
        return logits.GetTensorDataAsSpan<float>().Slice(((row * s) + s - 1) * v, v);
    }

    /// <summary>All logits of the last step, [batch, seqLen, vocab] (a new array: meant for tests and scoring).</summary>
    public float[] CopyAllLogits(DecoderState state)
    {
        var logits = state.Logits ?? throw new InvalidOperationException("No step has been run on this state yet.");
        if (state.LogitsPositions != state.LastSeqLen)
            throw new InvalidOperationException($"The last step kept logits for its last position only, not for all {state.LastSeqLen}; run it without lastLogitsOnly to read them all.");
        var result = new float[state.BatchSize * state.LastSeqLen * VocabSize];
        CopyRow(logits, 0, result);
        return result;
    }

    private void CopyRow(OrtValue logits, int offset, Span<float> destination)
    {
        if (LogitsElementType == TensorElementType.Float)
        {
            logits.GetTensorDataAsSpan<float>().Slice(offset, destination.Length).CopyTo(destination);
            return;
        }
        var half = logits.GetTensorDataAsSpan<Float16>().Slice(offset, destination.Length);
        for (var i = 0; i < half.Length; i++) destination[i] = half[i].ToFloat();
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _shrinkingRunOptions.Dispose();
        _keepAll.Dispose();
        _keepLast.Dispose();
        _session.Dispose();
        if (!ReferenceEquals(_cacheMemory, OrtMemoryInfo.DefaultInstance)) _cacheMemory.Dispose();
    }

    private static RunOptions ShrinkingRunOptions()
    {
        var options = new RunOptions();
        options.AddRunConfigEntry("memory.enable_memory_arena_shrinkage", "cpu:0");
        return options;
    }

    private static SessionOptions BaseOptions(OnnxSessionOptions options, bool cpu)
    {
        var so = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            // A memory pattern plans each run's intermediate buffers as one block per input shape. Decode steps are
            // short, so on the CPU skipping a hundred arena allocations per step is ~10% of the step (bench engine);
            // peak memory measured the same with and without it (long prefills, batch 2, 1400-2000 tokens). On CUDA
            // it stays off: every step's shapes are new, and its effect on device memory has not been measured.
            EnableMemoryPattern = cpu,
            EnableCpuMemArena = true,
        };
        if (options.IntraOpNumThreads > 0) so.IntraOpNumThreads = options.IntraOpNumThreads;
        return so;
    }

    // genai_config.json's model.decoder section, where the folder has one.
    private static JsonElement? GenAiDecoder(JsonElement? genAi) =>
        genAi is { } g && g.TryGetProperty("model", out var m) && m.TryGetProperty("decoder", out var d) ? d : null;

    private static string FindModelFile(string dir, JsonElement? genAi)
    {
        if (GenAiDecoder(genAi) is { } d && d.TryGetProperty("filename", out var f) && f.ValueKind == JsonValueKind.String)
        {
            var path = Path.Combine(dir, f.GetString()!);
            return File.Exists(path) ? path : throw new FileNotFoundException($"genai_config.json in '{dir}' names decoder file '{f.GetString()}', which does not exist.", path);
        }
        foreach (var candidate in new[] { "model.onnx", Path.Combine("onnx", "model.onnx") })
        {
            var path = Path.Combine(dir, candidate);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"Model folder '{dir}' has no genai_config.json, model.onnx or onnx/model.onnx.");
    }

    private static JsonElement? ReadJson(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {e.Message}", e);
        }
    }

    private static int? Int(JsonElement? e, string name) =>
        e is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    private static List<int>? Ids(JsonElement? e, string name)
    {
        if (e is not { ValueKind: JsonValueKind.Object } o || !o.TryGetProperty(name, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.Number => [v.GetInt32()],
            JsonValueKind.Array => [.. v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Number).Select(x => x.GetInt32())],
            _ => null,
        };
    }

    private static string FirstLine(string? s) => (s ?? "unknown error").Split('\n')[0].Trim();
}
