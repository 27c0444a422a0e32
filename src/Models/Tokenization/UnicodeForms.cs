using System.Text;
using ICU4N.Text;

namespace BioEval.Models.Tokenization;

/// <summary>
/// Unicode normalization forms NFC, NFD, NFKC and NFKD. BioEval runs with invariant globalization (no culture-dependent
/// string handling anywhere), and in that mode .NET's <see cref="string.Normalize(NormalizationForm)"/> returns
/// non-ASCII text unchanged, which silently gave Qwen's NFC files other ids than Hugging Face. ICU4N's managed
/// normalizer has its own Unicode data and works in any mode. Its instances are immutable and thread-safe.
/// </summary>
internal static class UnicodeForms
{
    private static readonly Normalizer2 Nfc = Normalizer2.GetInstance(null, "nfc", Normalizer2Mode.Compose);
    private static readonly Normalizer2 Nfd = Normalizer2.GetInstance(null, "nfc", Normalizer2Mode.Decompose);
    private static readonly Normalizer2 Nfkc = Normalizer2.GetInstance(null, "nfkc", Normalizer2Mode.Compose);
    private static readonly Normalizer2 Nfkd = Normalizer2.GetInstance(null, "nfkc", Normalizer2Mode.Decompose);

    public static string Normalize(string text, NormalizationForm form) => form switch
    {
        NormalizationForm.FormC => Nfc.Normalize(text),
        NormalizationForm.FormD => Nfd.Normalize(text),
        NormalizationForm.FormKC => Nfkc.Normalize(text),
        NormalizationForm.FormKD => Nfkd.Normalize(text),
        _ => throw new ArgumentOutOfRangeException(nameof(form), form, null),
    };
}
