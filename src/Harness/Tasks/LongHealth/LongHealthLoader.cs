using System.Globalization;
using System.Text.Json;
using BioEval.Harness.Datasets;

namespace BioEval.Harness.Tasks.LongHealth;

/// <summary>
/// Reads LongHealth (<c>benchmark_v5.json</c>): one object keyed by patient id, each with <c>texts</c>
/// (<c>{text_id: text}</c>) and <c>questions</c> (multiple choice, <c>answer_a</c>..<c>answer_e</c>, the
/// <c>correct</c> answer's text and <c>answer_location</c> naming the texts that hold it). Property order is
/// kept because the reference iterates the dicts in insertion order.
/// </summary>
/// <remarks>
/// One sample per question, id <c>&lt;patient_id&gt;/&lt;No&gt;</c> (or the 1-based question position when a question
/// has no <c>No</c>). Fields: <c>question</c>, every <c>answer_*</c> option, <c>correct</c>, <c>patient_id</c>, and
/// <see cref="AnswerLocationField"/> (the <c>answer_location</c> text ids in key order, one per line, because the
/// prompt builder adds answer texts in that order). <see cref="Sample.Documents"/> are the patient's texts in file
/// order, marked where the id is an <c>answer_location</c> key. The reference is the gold letter
/// (<see cref="CorrectLetter"/>). A <c>correct</c> text that no option contains is an error naming the question: the
/// reference would keep such a question and score every model wrong on it, silently.
/// </remarks>
public sealed class LongHealthLoader : IDatasetLoader
{
    public static readonly LongHealthLoader Instance = new();

    /// <summary>Field holding the <c>answer_location</c> text ids, newline-separated, in key order.</summary>
    public const string AnswerLocationField = "answer_location";

    /// <summary>Field holding the patient id (the question's top-level key).</summary>
    public const string PatientIdField = "patient_id";

    /// <summary>The options every question must have.</summary>
    public static readonly IReadOnlyList<string> OptionKeys = ["answer_a", "answer_b", "answer_c", "answer_d", "answer_e"];

    /// <summary>
    /// The reference's <c>get_correct_answer</c>: over the question's keys in order, skipping keys that do not start
    /// with "answer" or that end with "location", the upper-cased last character of the FIRST key whose text
    /// contains <paramref name="correct"/> as a substring (not equality); null when none does.
    /// </summary>
    public static string? CorrectLetter(IEnumerable<KeyValuePair<string, string>> questionKeys, string correct)
    {
        foreach (var (key, text) in questionKeys)
        {
            if (!key.StartsWith("answer", StringComparison.Ordinal) || key.EndsWith("location", StringComparison.Ordinal)) continue;
            if (text.Contains(correct, StringComparison.Ordinal))
                return key[^1..].ToUpperInvariant();
        }
        return null;
    }

    public IReadOnlyList<Sample> Load(string path)
    {
        using var doc = DatasetJson.ParseFile(path);
        DatasetJson.ExpectKind(doc.RootElement, JsonValueKind.Object, path);
        var samples = new List<Sample>();
        foreach (var patient in doc.RootElement.EnumerateObject())
        {
            var where = $"{path}: patient '{patient.Name}'";
            DatasetJson.ExpectKind(patient.Value, JsonValueKind.Object, where);
            var texts = ReadTexts(patient.Value, where);
            if (!patient.Value.TryGetProperty("questions", out var questions) || questions.ValueKind != JsonValueKind.Array)
                throw new DatasetFormatException($"{where}: field 'questions' must be an array.");
            var ids = new SampleIds();
            var position = 0;
            foreach (var q in questions.EnumerateArray())
            {
                position++;
                samples.Add(ReadQuestion(q, patient.Name, position, texts, ids, $"{where}, question {position}"));
            }
        }
        return samples;
    }

    private static List<KeyValuePair<string, string>> ReadTexts(JsonElement patient, string where)
    {
        if (!patient.TryGetProperty("texts", out var texts) || texts.ValueKind != JsonValueKind.Object)
            throw new DatasetFormatException($"{where}: field 'texts' must be an object of text id -> text.");
        var list = new List<KeyValuePair<string, string>>();
        foreach (var t in texts.EnumerateObject())
            list.Add(new(t.Name, t.Value.ValueKind == JsonValueKind.String
                ? t.Value.GetString()!
                : throw new DatasetFormatException($"{where}: text '{t.Name}' must be a string.")));
        return list;
    }

    private static Sample ReadQuestion(JsonElement q, string patientId, int position,
        List<KeyValuePair<string, string>> texts, SampleIds ids, string where)
    {
        var question = DatasetJson.RequiredString(q, "question", where);
        var correct = DatasetJson.RequiredString(q, "correct", where);
        foreach (var key in OptionKeys) DatasetJson.RequiredString(q, key, where);

        var fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["question"] = question };
        var options = new List<KeyValuePair<string, string>>();
        foreach (var p in q.EnumerateObject())
        {
            if (!p.Name.StartsWith("answer", StringComparison.Ordinal) || p.Name.EndsWith("location", StringComparison.Ordinal)) continue;
            if (p.Value.ValueKind != JsonValueKind.String)
                throw new DatasetFormatException($"{where}: option '{p.Name}' must be a string.");
            options.Add(new(p.Name, p.Value.GetString()!));
            fields[p.Name] = p.Value.GetString()!;
        }
        fields["correct"] = correct;
        fields[PatientIdField] = patientId;

        if (!q.TryGetProperty("answer_location", out var location) || location.ValueKind != JsonValueKind.Object)
            throw new DatasetFormatException($"{where}: field 'answer_location' must be an object keyed by text id.");
        var answerIds = location.EnumerateObject().Select(p => p.Name).ToList();
        foreach (var id in answerIds)
            if (!texts.Any(t => t.Key == id))
                throw new DatasetFormatException($"{where}: answer_location names text '{id}', which the patient does not have.");
        fields[AnswerLocationField] = string.Join("\n", answerIds);

        var no = q.TryGetProperty("No", out var n) ? DatasetJson.ScalarText(n) : null;
        var local = no ?? position.ToString(CultureInfo.InvariantCulture);
        if (no is not null) fields["No"] = no;
        var sampleId = $"{patientId}/{ids.Next(local, position)}";
        var documents = texts.Select(t => new SampleDocument(t.Key, t.Value, answerIds.Contains(t.Key))).ToList();
        var letter = CorrectLetter(options, correct)
            ?? throw new DatasetFormatException($"{where}: the 'correct' answer is contained in none of the options {string.Join(", ", OptionKeys)}.");
        return new Sample(sampleId, fields, letter, Documents: documents);
    }
}
