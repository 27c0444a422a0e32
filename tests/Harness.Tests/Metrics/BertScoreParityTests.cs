using System.Text.Json;
using BioEval.Harness.Metrics;
using BioEval.TestSupport;

namespace BioEval.Harness.Tests.Metrics;

/// <summary>
/// BERTScore against tools/reference/bertscore.mjs, which computes bert_score's definition with code BioEval shares
/// nothing with (Hugging Face's JavaScript tokenizer, converting vocab.txt itself; onnxruntime-node's CPU runtime),
/// on the embedded encoder: token ids equal, P/R/F1 within <see cref="Tolerance"/>.
/// </summary>
public sealed class BertScoreParityTests
{
    /// <summary>
    /// Largest |difference| allowed in P, R or F1. Both run the same graph on ONNX Runtime's CPU provider, of different
    /// versions (onnxruntime-node 1.30, BioEval 1.31) and with other batch compositions, so the embeddings may differ in
    /// float32 rounding (about 1e-6 relative); cosines and their means are then within about 1e-6. Observed on the
    /// development machine: at most 4e-16 (the two runtimes' CPU kernels gave identical embeddings). A wrong token, a
    /// lost [SEP] or a mishandled mask moves scores by 1e-3 or more.
    /// </summary>
    private const double Tolerance = 1e-5;

    private static readonly (string Candidate, string Reference)[] Pairs =
    [
        ("The patient has chest pain.", "Patient reports chest pain."),
        ("No acute distress.", "The patient is in no acute distress."),
        ("Metformin 500 mg twice daily.", "Metformin 500mg BID."),
        ("Blood pressure 140/90 mmHg, heart rate 88 bpm.", "BP 140/90, HR 88."),
        ("Type 2 diabetes mellitus with hyperglycemia.", "T2DM, poorly controlled."),
        ("Community-acquired pneumonia, treated with ceftriaxone.", "CAP on IV antibiotics."),
        ("Denies fever, chills or night sweats.", "No fevers."),
        ("Creatinine rose to 1.6 mg/dL and returned to baseline.", "Acute kidney injury, resolved with fluids."),
        ("Follow up with cardiology in two weeks.", "Cardiology follow-up in 2 weeks."),
        ("", "An empty candidate scores zero."),
        ("An empty reference scores zero.", ""),
        ("", ""),
        ("   Leading and trailing spaces   ", "Leading and trailing spaces"),
        ("Naïve café patient: résumé of Müller's Œdema", "naive cafe patient resume of muller's oedema"),
        ("Größe 1,80 m — Gewicht 75 kg", "height 1.80 m, weight 75 kg"),
        ("患者は胸痛を訴えた。", "The patient complained of chest pain."),
        ("Emoji 😀 and snowman ☃ in a note", "emoji and snowman in a note"),
        ("Punctuation!!! ??? ... ;;; --- ((()))", "punctuation"),
        ("e.g. i.v. q.d. p.r.n. b.i.d.", "for example intravenous daily as needed twice daily"),
        ("HbA1c 9.2%; LDL 130 mg/dL; eGFR <60", "HbA1c 9.2 %, LDL 130, eGFR below 60"),
        ("Tab\tseparated\nand\r\nnew lines", "tab separated and new lines"),
        ("[CLS] written [SEP] inside text [MASK]", "written inside text"),
        ("pneumonoultramicroscopicsilicovolcanoconiosis", "a lung disease caused by silica dust"),
        ("ALL CAPS DISCHARGE SUMMARY", "all caps discharge summary"),
        ("x", "y"),
        ("The the the the the", "the"),
        ("Aspirin 81 mg", "Aspirin 81 mg"),
        ("Left lower lobe consolidation on chest X-ray.", "CXR: LLL infiltrate."),
        (LongNote(400), "Summary: admitted for pneumonia, discharged home on oral antibiotics."),
        ("Brief hospital course.", LongNote(450)),
        (LongNote(300), LongNote(500)),
    ];

    private static string LongNote(int words)
    {
        string[] vocabulary = ["patient", "admitted", "with", "pneumonia", "received", "ceftriaxone", "oxygen", "weaned", "day", "two",
            "creatinine", "1.6", "mg/dL", "fluids", "discharged", "home", "follow-up", "in", "one", "week", "chest", "X-ray", "clear"];
        return string.Join(' ', Enumerable.Range(0, words).Select(i => vocabulary[(i * 7 + words) % vocabulary.Length]));
    }

    [Fact]
    public async Task ScoresAndTokenIdsEqualTheIndependentNodeImplementation()
    {
        foreach (var package in new[] { "@huggingface/transformers", "onnxruntime-node" })
            if (!File.Exists(Path.Combine(Repository.ReferenceModules, package, "package.json")))
                Assert.Skip($"npm package {package} is not installed in .cache/reference; run tools/reference/fetch.sh.");
        using var encoder = MiniLm.Open();
        Assert.Contains(Pairs, p => encoder.Tokenize(p.Candidate).Length == 512 && encoder.Tokenize(p.Reference).Length == 512);

        var dir = Directory.CreateTempSubdirectory("bioeval-bertscore-").FullName;
        try
        {
            var pairsFile = Path.Combine(dir, "pairs.json");
            File.WriteAllText(pairsFile, JsonSerializer.Serialize(Pairs.Select(p => new[] { p.Candidate, p.Reference })));
            using var doc = JsonDocument.Parse(NodeScript.Run("bertscore.mjs", [MiniLm.Folder, pairsFile, "--ids", "--threads", "1"], "the BERTScore parity test"));
            var reference = doc.RootElement.GetProperty("results").EnumerateArray().ToList();
            var ours = await BertScore.ScoreAsync(Pairs, encoder, TestContext.Current.CancellationToken);

            Assert.Equal(Pairs.Length, reference.Count);
            var failures = new List<string>();
            for (var i = 0; i < Pairs.Length; i++)
            {
                var r = reference[i];
                if (!Ids(r, "candidate_ids").SequenceEqual(encoder.Tokenize(Pairs[i].Candidate))) failures.Add($"pair {i}: candidate ids differ");
                if (!Ids(r, "reference_ids").SequenceEqual(encoder.Tokenize(Pairs[i].Reference))) failures.Add($"pair {i}: reference ids differ");
                foreach (var (name, expected, actual) in new[]
                {
                    ("P", r.GetProperty("p").GetDouble(), ours[i].Precision), ("R", r.GetProperty("r").GetDouble(), ours[i].Recall),
                    ("F1", r.GetProperty("f").GetDouble(), ours[i].F1),
                })
                    if (!(Math.Abs(expected - actual) <= Tolerance)) failures.Add($"pair {i}: {name} node {expected:R}, BioEval {actual:R}");
            }
            Assert.True(failures.Count == 0, string.Join("\n", failures));
            // Not a vacuous agreement: the pairs span the scale.
            Assert.Contains(ours, s => s.F1 > 0.99);
            Assert.Contains(ours, s => s.F1 is > 0.1 and < 0.7);
            Assert.Contains(ours, s => s.F1 == 0);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static int[] Ids(JsonElement result, string name) => [.. result.GetProperty(name).EnumerateArray().Select(e => e.GetInt32())];
}
