using System.Security.Cryptography;
using System.Text.Json;
using BioEval.Models.Onnx;
using BioEval.Models.Tokenization;
using Microsoft.ML.OnnxRuntime;

namespace BioEval.Models.Encoders;

/// <summary>
/// A BERT-family encoder exported to ONNX, giving each text's contextual token embeddings as bert_score computes them:
/// the text <c>.Trim()</c>-med, encoded as <c>[CLS] … [SEP]</c> by the folder's own tokenizer, cut to
/// <see cref="MaxTokens"/> tokens with [CLS] and [SEP] kept (Hugging Face's truncation), run through the model and read
/// at one hidden layer (<see cref="EncoderOutputs"/>), special tokens included.
/// </summary>
/// <remarks>
/// <para>The folder holds <c>model.onnx</c> (inputs input_ids, attention_mask and, when the graph declares it,
/// token_type_ids, all zero) and the tokenizer: tokenizer.json, or a WordPiece vocab.txt read as Hugging Face converts
/// <c>BertTokenizer</c> (tokenizer_config.json's do_lower_case decides the casing; <see cref="HfTokenizer"/> runs both,
/// checked against Hugging Face's Rust and JavaScript tokenizers). An Optimum feature-extraction export is such a folder;
/// <see cref="EncoderOutputs"/> shows the export of SciBERT at layer 8, bert_score's <c>lang="en-sci"</c> model.</para>
/// <para>Texts are encoded in batches of similar length (<see cref="BatchScheduler"/>), padded on the right and masked;
/// a text's embeddings do not depend on which texts share its batch beyond float rounding. Each distinct text is
/// encoded once per encoder (up to <see cref="BertEncoderOptions.CacheBytes"/>). The session and tokenizer are made
/// once and released by <see cref="Dispose"/>; calls are serialised.</para>
/// </remarks>
public sealed class BertEncoder : ITokenEncoder, IDisposable
{
    public const string ModelFile = "model.onnx";
    private const string TokenTypeIds = "token_type_ids";
    private static readonly string[] TokenizerFiles = ["tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json", "config.json"];

    private static int _loggedProvider;

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly HfTokenizer _tokenizer;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly int _cls;
    private readonly int _sep;
    private readonly int _pad;
    private readonly BertEncoderOptions _options;
    private readonly Dictionary<string, float[][]> _cache = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Lazy<IReadOnlyDictionary<string, string>> _hashes;
    private long _cachedBytes;

    private BertEncoder(string dir, InferenceSession session, string provider, HfTokenizer tokenizer, BertEncoderOptions options, int? configLayers, int? positions)
    {
        ModelDirectory = Path.GetFullPath(dir);
        _session = session;
        _tokenizer = tokenizer;
        _options = options;
        ExecutionProvider = provider;
        var modelPath = Path.Combine(ModelDirectory, ModelFile);
        Name = options.Name ?? Path.GetFileName(ModelDirectory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));

        var inputs = session.InputMetadata.Keys.ToList();
        foreach (var required in new[] { "input_ids", "attention_mask" })
            if (!inputs.Contains(required))
                throw new InvalidDataException($"{modelPath} has no input '{required}' (its inputs: {string.Join(", ", inputs)}); expected a BERT-family feature-extraction export.");
        var unknown = inputs.Except(["input_ids", "attention_mask", TokenTypeIds]).ToList();
        if (unknown.Count > 0)
            throw new InvalidDataException($"{modelPath} has inputs BioEval does not know how to fill: {string.Join(", ", unknown)}.");
        _inputNames = inputs.Contains(TokenTypeIds) ? ["input_ids", "attention_mask", TokenTypeIds] : ["input_ids", "attention_mask"];

        var (output, layer) = EncoderOutputs.Choose(session.OutputMetadata.Keys.ToList(), options.Layer, configLayers, modelPath);
        _outputNames = [output];
        OutputName = output;
        Layer = layer;
        var shape = session.OutputMetadata[output].Dimensions;
        if (shape.Length != 3)
            throw new InvalidDataException($"{modelPath}: output {output} has shape [{string.Join(", ", shape)}]; expected [batch, sequence, hidden].");
        HiddenSize = shape[2] > 0 ? shape[2] : null;

        if (tokenizer.SpecialPrefixIds.Count != 1 || tokenizer.SpecialSuffixIds.Count != 1)
            throw new InvalidDataException(
                $"The tokenizer of '{dir}' puts {tokenizer.SpecialPrefixIds.Count} token(s) before and {tokenizer.SpecialSuffixIds.Count} after a text; BERTScore needs one on each side ([CLS] … [SEP]).");
        _cls = tokenizer.SpecialPrefixIds[0];
        _sep = tokenizer.SpecialSuffixIds[0];
        _pad = tokenizer.TokenToId("[PAD]") ?? 0;
        if (options.MaxTokens < 3) throw new ArgumentException($"MaxTokens must be at least 3 ([CLS], one token, [SEP]); got {options.MaxTokens}.");
        if (options.MaxBatchSize < 1 || options.MaxBatchTokens < 1 || options.IntraOpNumThreads < 0)
            throw new ArgumentException($"Batch size and batch tokens must be at least 1 and intra-op threads at least 0; got {options.MaxBatchSize}, {options.MaxBatchTokens} and {options.IntraOpNumThreads}.");
        MaxTokens = positions is { } p ? Math.Min(options.MaxTokens, p) : options.MaxTokens;
        _hashes = new Lazy<IReadOnlyDictionary<string, string>>(() => HashFiles(ModelDirectory));
    }

    /// <summary>The model's name (the folder's, unless the options give one).</summary>
    public string Name { get; }

    public string ModelDirectory { get; }

    /// <summary>The output read: <c>last_hidden_state</c> or <c>hidden_states.N</c>.</summary>
    public string OutputName { get; }

    /// <summary>The layer the embeddings come from, where the file or config.json says.</summary>
    public int? Layer { get; }

    /// <summary>The embedding width, where the graph fixes it.</summary>
    public int? HiddenSize { get; }

    /// <summary>The most tokens a text keeps, [CLS] and [SEP] included.</summary>
    public int MaxTokens { get; }

    /// <summary>"CUDA" or "CPU".</summary>
    public string ExecutionProvider { get; }

    /// <summary>
    /// SHA-256 (lower-case hex) of model.onnx and of each tokenizer and config file present, by file name, for results
    /// to record which encoder produced a score. Computed on first use.
    /// </summary>
    public IReadOnlyDictionary<string, string> FileHashes => _hashes.Value;

    /// <summary>Opens the encoder in <paramref name="dir"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">the folder does not exist</exception>
    /// <exception cref="FileNotFoundException">no model.onnx, or neither tokenizer.json nor vocab.txt</exception>
    /// <exception cref="InvalidDataException">a file is malformed, or the graph is not a BERT feature-extraction graph</exception>
    /// <exception cref="ArgumentException">the asked-for layer is not among the model's outputs</exception>
    public static BertEncoder Open(string dir, BertEncoderOptions? options = null)
    {
        options ??= new BertEncoderOptions();
        ModelFolder.Require(dir);
        var modelPath = Path.Combine(dir, ModelFile);
        if (!File.Exists(modelPath))
            throw new FileNotFoundException($"Encoder folder '{dir}' has no {ModelFile}; export the model for feature extraction (see EncoderOutputs).", modelPath);
        if (!File.Exists(Path.Combine(dir, "tokenizer.json")) && !File.Exists(Path.Combine(dir, BertVocab.FileName)))
            throw new FileNotFoundException($"Encoder folder '{dir}' has neither tokenizer.json nor vocab.txt.", Path.Combine(dir, "tokenizer.json"));
        var tokenizer = HfTokenizer.FromDirectory(dir);
        var (configLayers, positions) = ReadConfig(Path.Combine(dir, "config.json"));

        var log = options.Log ?? (message => Console.Error.WriteLine(message));
        var (session, provider) = NewSession(modelPath, options, log);
        try
        {
            return new BertEncoder(dir, session, provider, tokenizer, options, configLayers, positions);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The ids <paramref name="text"/> is encoded as: <c>[CLS]</c>, the tokens of the trimmed text (the first
    /// <see cref="MaxTokens"/> − 2 of them), <c>[SEP]</c>.
    /// </summary>
    public int[] Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var content = _tokenizer.Encode(text.Trim(), addSpecialTokens: false);
        var kept = Math.Min(content.Count, MaxTokens - 2);
        var ids = new int[kept + 2];
        ids[0] = _cls;
        for (var i = 0; i < kept; i++) ids[i + 1] = content[i];
        ids[^1] = _sep;
        return ids;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<float[][]>> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        Task.Run(() => Embed(texts, cancellationToken), cancellationToken);

    /// <summary>The token embeddings of each text, [tokens][hidden], [CLS] first and [SEP] last.</summary>
    public IReadOnlyList<float[][]> Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        lock (_gate)
        {
            var keys = texts.Select(t => (t ?? throw new ArgumentException("A text is null.", nameof(texts))).Trim()).ToArray();
            var fresh = new Dictionary<string, float[][]>(StringComparer.Ordinal);
            var missing = keys.Where(k => !_cache.ContainsKey(k)).Distinct(StringComparer.Ordinal).ToList();
            var ids = missing.Select(Tokenize).ToList();
            foreach (var batch in BatchScheduler.Plan([.. ids.Select(x => x.Length)], _options.MaxBatchSize, _options.MaxBatchTokens))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var embedded = Run([.. batch.Select(i => ids[i])]);
                for (var r = 0; r < batch.Count; r++) fresh[missing[batch[r]]] = embedded[r];
            }
            foreach (var (key, value) in fresh)
            {
                var bytes = (long)value.Length * (value.Length == 0 ? 0 : value[0].Length) * sizeof(float);
                if (_cachedBytes + bytes > _options.CacheBytes) continue;
                _cache[key] = value;
                _cachedBytes += bytes;
            }
            return [.. keys.Select(k => _cache.TryGetValue(k, out var e) ? e : fresh[k])];
        }
    }

    /// <summary>One forward pass over <paramref name="rows"/>, padded on the right to the longest; each row's vectors.</summary>
    private float[][][] Run(IReadOnlyList<int[]> rows)
    {
        int batch = rows.Count, length = rows.Max(r => r.Length);
        var ids = new long[batch * length];
        var mask = new long[batch * length];
        for (var r = 0; r < batch; r++)
        {
            var row = rows[r];
            var at = r * length;
            for (var t = 0; t < length; t++)
            {
                ids[at + t] = t < row.Length ? row[t] : _pad;
                mask[at + t] = t < row.Length ? 1 : 0;
            }
        }
        long[] shape = [batch, length];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = _inputNames.Length == 3 ? OrtValue.CreateTensorValueFromMemory(new long[batch * length], shape) : null;
        OrtValue[] inputs = typesValue is null ? [idsValue, maskValue] : [idsValue, maskValue, typesValue];
        using var outputs = _session.Run(_runOptions, _inputNames, inputs, _outputNames);

        var output = outputs[0];
        var dims = output.GetTensorTypeAndShape().Shape;
        if (dims.Length != 3 || dims[0] != batch || dims[1] != length)
            throw new InvalidDataException($"{OutputName} came back with shape [{string.Join(", ", dims)}]; expected [{batch}, {length}, hidden].");
        var hidden = (int)dims[2];
        var data = output.GetTensorDataAsSpan<float>();
        var result = new float[batch][][];
        for (var r = 0; r < batch; r++)
        {
            var vectors = new float[rows[r].Length][];
            for (var t = 0; t < vectors.Length; t++) vectors[t] = data.Slice(((r * length) + t) * hidden, hidden).ToArray();
            result[r] = vectors;
        }
        return result;
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }

    private static (InferenceSession Session, string Provider) NewSession(string modelPath, BertEncoderOptions options, Action<string> log)
    {
        string? failure = null;
        if (options.PreferCuda && !CudaLibraries.Available(out var missing))
        {
            // Probing first keeps ONNX Runtime from logging a native error on every machine without CUDA.
            failure = missing;
        }
        else if (options.PreferCuda)
        {
            using var cuda = SessionOptionsFor(options);
            try
            {
                cuda.AppendExecutionProvider_CUDA(options.CudaDeviceId);
                var session = new InferenceSession(modelPath, cuda);
                if (Interlocked.Exchange(ref _loggedProvider, 1) == 0) log($"ONNX Runtime (encoder): using the CUDA execution provider (device {options.CudaDeviceId}).");
                return (session, "CUDA");
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                failure = e.Message.Split('\n')[0].Trim();
            }
        }
        if (Interlocked.Exchange(ref _loggedProvider, 1) == 0)
            log(failure is null ? "ONNX Runtime (encoder): using the CPU execution provider." : $"ONNX Runtime (encoder): CUDA is not available ({failure}); using the CPU execution provider.");
        using var cpu = SessionOptionsFor(options);
        return (new InferenceSession(modelPath, cpu), "CPU");
    }

    private static SessionOptions SessionOptionsFor(BertEncoderOptions options)
    {
        var so = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL, InterOpNumThreads = 1 };
        if (options.IntraOpNumThreads > 0) so.IntraOpNumThreads = options.IntraOpNumThreads;
        return so;
    }

    private static (int? Layers, int? Positions) ReadConfig(string path)
    {
        if (!File.Exists(path)) return (null, null);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            int? Int(string key) => doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(key, out var v) && v.TryGetInt32(out var n) ? n : null;
            return (Int("num_hidden_layers"), Int("max_position_embeddings"));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {e.Message}", e);
        }
    }

    private static IReadOnlyDictionary<string, string> HashFiles(string dir)
    {
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in TokenizerFiles.Prepend(ModelFile))
        {
            var path = Path.Combine(dir, name);
            if (!File.Exists(path)) continue;
            using var stream = File.OpenRead(path);
            hashes[name] = Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        return hashes;
    }
}
