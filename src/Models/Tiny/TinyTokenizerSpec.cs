namespace BioEval.Models.Tiny;

/// <summary>
/// Layout of the tiny byte-level BPE vocabulary: ids 0..255 are the 256 byte symbols (id = byte value),
/// then the learned merges in order, then the special tokens. Fixed sizes keep the model config stable.
/// </summary>
public static class TinyTokenizerSpec
{
    public const int ByteCount = 256;
    public const int MergeCount = 249;

    public const string Bos = "<|bos|>";
    public const string Eos = "<|eos|>";
    public const string Pad = "<|pad|>";
    public const string System = "<|system|>";
    public const string User = "<|user|>";
    public const string Assistant = "<|assistant|>";
    public const string End = "<|end|>";

    /// <summary>Special tokens in id order, starting at <see cref="FirstSpecialId"/>.</summary>
    public static readonly IReadOnlyList<string> SpecialTokens = [Bos, Eos, Pad, System, User, Assistant, End];

    public const int FirstSpecialId = ByteCount + MergeCount;
    public const int BosId = FirstSpecialId;
    public const int EosId = FirstSpecialId + 1;
    public const int PadId = FirstSpecialId + 2;
    public const int EndId = FirstSpecialId + 6;
    public const int VocabSize = FirstSpecialId + 7;

    /// <summary>The chat template written into tokenizer_config.json (our own simple format).</summary>
    public const string ChatTemplate =
        "{{ bos_token }}{% for message in messages %}<|{{ message['role'] }}|>\n{{ message['content'] }}<|end|>\n{% endfor %}{% if add_generation_prompt %}<|assistant|>\n{% endif %}";
}
