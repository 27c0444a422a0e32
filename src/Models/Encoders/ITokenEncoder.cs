namespace BioEval.Models.Encoders;

/// <summary>
/// Contextual token embeddings of texts, as model-based metrics (BERTScore) compare them: one vector per token of each
/// text, special tokens included, in the text's order.
/// </summary>
public interface ITokenEncoder
{
    /// <summary>
    /// For each of <paramref name="texts"/> (same order), its token embeddings as [tokens][hidden]: the first and the
    /// last token are the encoder's special tokens ([CLS] and [SEP] for BERT), even for an empty text.
    /// </summary>
    Task<IReadOnlyList<float[][]>> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);
}
