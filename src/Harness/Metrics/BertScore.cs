using System.Numerics.Tensors;
using BioEval.Models.Encoders;

namespace BioEval.Harness.Metrics;

/// <summary>BERTScore of one candidate against one reference: precision, recall and their harmonic mean.</summary>
public readonly record struct BertScoreValue(double Precision, double Recall, double F1);

/// <summary>
/// BERTScore (Zhang et al., 2020) as the <c>bert_score</c> package computes it with <c>lang="en-sci"</c> (SciBERT at
/// layer 8), <c>idf=False</c> and no baseline rescaling, over whichever encoder gives the token embeddings.
/// </summary>
/// <remarks>
/// <para>The definition: each token vector is L2-normalised; the similarity of a candidate token and a reference token
/// is their dot product (cosine). Precision is the mean, over the candidate's tokens other than [CLS] and [SEP], of each
/// token's largest similarity to any reference token; recall likewise over the reference's tokens against the
/// candidate's. [CLS] and [SEP] are not scored themselves but can be the best match of a scored token, as in bert_score
/// (its idf weights are 0 for them, 1 for every other token, and it masks only padding). F1 = 2PR / (P + R), 0 when
/// P + R = 0. When either side has no token besides [CLS] and [SEP] (an empty text), P = R = F1 = 0, as bert_score sets
/// them. Sums and products are in double.</para>
/// <para>Deviations, none of which moves a score on real text beyond float rounding: bert_score leaves [CLS] and [SEP]
/// out by token id, so a literal "[SEP]" written inside a text is weighed 0 there, and scored here (this side goes by
/// position: the first and last token). bert_score takes each maximum over a padded batch whose padding similarities
/// are 0 rather than absent, so a token whose similarities are all negative scores 0 there and its true maximum here.
/// A token vector of norm 0 has similarity 0 to everything here (NaN in bert_score).</para>
/// </remarks>
public static class BertScore
{
    /// <summary>The metric's name (<c>bioeval score --metric bertscore</c>).</summary>
    public const string Name = "bertscore";

    /// <summary>Pairs whose texts go to the encoder in one call: bounds the embeddings held at once.</summary>
    public const int PairsPerCall = 2048;

    /// <summary>
    /// The score of <paramref name="candidate"/> against <paramref name="reference"/>, each a text's token embeddings
    /// [tokens][hidden] with [CLS] first and [SEP] last.
    /// </summary>
    /// <exception cref="ArgumentException">a side has fewer than two tokens, or the vectors' widths differ</exception>
    public static BertScoreValue Score(IReadOnlyList<float[]> candidate, IReadOnlyList<float[]> reference) =>
        ScoreUnit(Normalise(candidate, nameof(candidate)), Normalise(reference, nameof(reference)));

    /// <summary>
    /// The scores of <paramref name="pairs"/> (candidate, reference), in order, with embeddings from
    /// <paramref name="encoder"/>: each call to it gets the distinct texts of up to <see cref="PairsPerCall"/> pairs,
    /// which it may batch as it likes.
    /// </summary>
    public static async Task<IReadOnlyList<BertScoreValue>> ScoreAsync(
        IReadOnlyList<(string Candidate, string Reference)> pairs, ITokenEncoder encoder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(encoder);
        var scores = new BertScoreValue[pairs.Count];
        for (var start = 0; start < pairs.Count; start += PairsPerCall)
        {
            var count = Math.Min(PairsPerCall, pairs.Count - start);
            var texts = new List<string>();
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            int Slot(string text)
            {
                ArgumentNullException.ThrowIfNull(text);
                if (index.TryGetValue(text, out var i)) return i;
                texts.Add(text);
                return index[text] = texts.Count - 1;
            }
            var slots = Enumerable.Range(start, count).Select(p => (Slot(pairs[p].Candidate), Slot(pairs[p].Reference))).ToList();
            var embeddings = await encoder.EmbedAsync(texts, cancellationToken).ConfigureAwait(false);
            if (embeddings.Count != texts.Count)
                throw new InvalidOperationException($"The encoder returned {embeddings.Count} embeddings for {texts.Count} texts.");
            var unit = embeddings.Select((e, i) => Normalise(e, $"text {i}")).ToArray();
            for (var k = 0; k < count; k++) scores[start + k] = ScoreUnit(unit[slots[k].Item1], unit[slots[k].Item2]);
        }
        return scores;
    }

    /// <summary>Each vector divided by its L2 norm, in double; a zero vector stays zero.</summary>
    private static double[][] Normalise(IReadOnlyList<float[]> vectors, string side)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        if (vectors.Count < 2) throw new ArgumentException($"The {side} embeddings have {vectors.Count} token(s); they must include [CLS] and [SEP].");
        var width = vectors[0].Length;
        var unit = new double[vectors.Count][];
        for (var t = 0; t < vectors.Count; t++)
        {
            var v = vectors[t];
            if (v.Length != width) throw new ArgumentException($"The {side} embeddings mix widths {width} and {v.Length}.");
            var u = new double[width];
            TensorPrimitives.ConvertChecked<float, double>(v, u);
            var norm = TensorPrimitives.Norm<double>(u);
            if (norm > 0) TensorPrimitives.Divide(u, norm, u);
            unit[t] = u;
        }
        return unit;
    }

    private static BertScoreValue ScoreUnit(double[][] candidate, double[][] reference)
    {
        int m = candidate.Length, n = reference.Length;
        if (candidate[0].Length != reference[0].Length)
            throw new ArgumentException($"Candidate and reference embeddings differ in width ({candidate[0].Length} and {reference[0].Length}).");
        if (m <= 2 || n <= 2) return default;

        // Row maxima over every reference token and column maxima over every candidate token, [CLS]/[SEP] included;
        // only the inner rows and columns are averaged.
        var rowMax = new double[m];
        var columnMax = new double[n];
        Array.Fill(rowMax, double.NegativeInfinity);
        Array.Fill(columnMax, double.NegativeInfinity);
        for (var i = 0; i < m; i++)
        {
            var c = candidate[i];
            for (var j = 0; j < n; j++)
            {
                var s = TensorPrimitives.Dot<double>(c, reference[j]);
                if (s > rowMax[i]) rowMax[i] = s;
                if (s > columnMax[j]) columnMax[j] = s;
            }
        }
        var precision = Mean(rowMax);
        var recall = Mean(columnMax);
        var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new BertScoreValue(precision, recall, f1);
    }

    private static double Mean(double[] maxima)
    {
        var sum = 0.0;
        for (var i = 1; i < maxima.Length - 1; i++) sum += maxima[i];
        return sum / (maxima.Length - 2);
    }
}
