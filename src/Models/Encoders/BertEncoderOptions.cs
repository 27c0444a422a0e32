namespace BioEval.Models.Encoders;

/// <summary>How to open a <see cref="BertEncoder"/>.</summary>
public sealed record BertEncoderOptions
{
    /// <summary>The most tokens a text keeps, [CLS] and [SEP] included (BERT's 512 positions, bert_score's limit).</summary>
    public const int DefaultMaxTokens = 512;

    /// <summary>
    /// The hidden layer whose states are the embeddings (0: the embedding layer, L: the last of L layers); null takes
    /// the last. See <see cref="EncoderOutputs"/> for which exports can give which layer.
    /// </summary>
    public int? Layer { get; init; }

    /// <summary>The most tokens a text keeps, special tokens included; lowered to config.json's max_position_embeddings.</summary>
    public int MaxTokens { get; init; } = DefaultMaxTokens;

    /// <summary>Threads for one operator; 0 lets ONNX Runtime decide (all cores).</summary>
    public int IntraOpNumThreads { get; init; }

    /// <summary>Texts in one forward pass at most.</summary>
    public int MaxBatchSize { get; init; } = 64;

    /// <summary>Padded tokens (rows × longest row) in one forward pass at most; a text longer than this still runs, alone.</summary>
    public int MaxBatchTokens { get; init; } = 8192;

    /// <summary>Try the CUDA execution provider first (falls back to the CPU when it cannot load).</summary>
    public bool PreferCuda { get; init; } = true;

    public int CudaDeviceId { get; init; }

    /// <summary>
    /// Bytes of embeddings kept for texts seen before (a run scores many predictions against the same references);
    /// past it new texts are still encoded but not kept.
    /// </summary>
    public long CacheBytes { get; init; } = 512L << 20;

    /// <summary>The model's name as results record it; null takes the folder's name.</summary>
    public string? Name { get; init; }

    /// <summary>Receives the one-time execution provider message; null writes it to standard error.</summary>
    public Action<string>? Log { get; init; }
}
