namespace BioEval.Models.Tiny;

/// <summary>
/// Hyper-parameters of the tiny Llama-architecture model that ships inside BioEval, so the whole
/// pipeline (tokenizer, chat template, ONNX engine, harness) can run on a fresh clone without downloads.
/// Names follow the Hugging Face <c>config.json</c> fields they are written to.
/// </summary>
public sealed record TinyLlamaConfig
{
    public int VocabSize { get; init; } = TinyTokenizerSpec.VocabSize;
    public int HiddenSize { get; init; } = 64;
    public int NumHiddenLayers { get; init; } = 2;
    public int NumAttentionHeads { get; init; } = 4;
    public int NumKeyValueHeads { get; init; } = 2;
    public int HeadDim { get; init; } = 16;
    public int IntermediateSize { get; init; } = 128;
    public double RopeTheta { get; init; } = 10000.0;
    public double RmsNormEps { get; init; } = 1e-5;
    public int MaxPositionEmbeddings { get; init; } = 2048;
    public bool TieWordEmbeddings { get; init; }
    public int BosTokenId { get; init; } = TinyTokenizerSpec.BosId;
    public int EosTokenId { get; init; } = TinyTokenizerSpec.EosId;
    public int PadTokenId { get; init; } = TinyTokenizerSpec.PadId;

    /// <summary>Query heads sharing one key/value head (grouped-query attention).</summary>
    public int KvGroups => NumAttentionHeads / NumKeyValueHeads;

    /// <summary>Throws when the shape parameters are inconsistent.</summary>
    public void Validate()
    {
        if (VocabSize <= 0 || HiddenSize <= 0 || NumHiddenLayers <= 0 || HeadDim <= 0 || IntermediateSize <= 0)
            throw new ArgumentException($"TinyLlamaConfig: sizes must be positive ({this}).");
        if (NumKeyValueHeads <= 0 || NumAttentionHeads % NumKeyValueHeads != 0)
            throw new ArgumentException($"TinyLlamaConfig: num_attention_heads {NumAttentionHeads} must be a multiple of num_key_value_heads {NumKeyValueHeads}.");
        if (HeadDim % 2 != 0)
            throw new ArgumentException($"TinyLlamaConfig: head_dim {HeadDim} must be even for rotary embeddings.");
    }
}
