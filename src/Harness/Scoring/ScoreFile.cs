using System.Text.Encodings.Web;
using System.Text.Json;
using BioEval.Harness.Datasets;
using BioEval.Harness.Metrics;
using BioEval.Harness.Metrics.Umls;
using BioEval.Models.Encoders;

namespace BioEval.Harness.Scoring;

/// <summary>
/// The logic of <c>bioeval score</c>: scores a JSON-lines file of <c>{"id","prediction","reference"}</c> records
/// with one metric and writes one compact JSON line of per-example values per record, so the metric code can be
/// checked against the reference implementation on identical inputs.
/// </summary>
/// <remarks>
/// Adding a metric is one more <see cref="Entry"/> in <see cref="Metrics"/>. The output fields are the metric's
/// <see cref="ISampleMetric.Outputs"/> in order, after "id" (echoed as given, string or number). The whole file is
/// validated before anything is written, so bad input yields no partial output. BERTScore, which needs an encoder and
/// scores in batches, runs through <see cref="RunBertScoreAsync"/> instead.
/// </remarks>
public static class ScoreFile
{
    /// <summary>Exit code for success.</summary>
    public const int Ok = 0;

    /// <summary>Exit code for bad input (unknown metric, missing or malformed file).</summary>
    public const int BadInput = 2;

    /// <summary>How a metric's records look and how its metric is built.</summary>
    /// <param name="Name">The <c>--metric</c> value.</param>
    /// <param name="ReferenceIsList">Whether "reference" is an array of strings (else a string).</param>
    /// <param name="Create">Builds the metric; receives the loaded <c>--codes</c> list, or null.</param>
    /// <param name="Parse">The task's output parser, where the metric scores a parsed answer; null scores the prediction as given.</param>
    /// <param name="Fields">The per-example fields printed; null prints the metric's outputs.</param>
    public sealed record Entry(
        string Name,
        bool ReferenceIsList,
        Func<IcdCodeList?, ISampleMetric> Create,
        Func<string, string>? Parse = null,
        IReadOnlyList<string>? Fields = null);

    /// <summary>The metrics <c>bioeval score</c> knows.</summary>
    public static readonly IReadOnlyList<Entry> Metrics =
    [
        new("rouge", ReferenceIsList: false, _ => RougeMetric.Instance),
        new("mednli", ReferenceIsList: false, _ => MedNliAccuracyMetric.Instance),
        // With --codes the line also gets "valid_ratio" after the six P/R/F1 fields.
        new("icd", ReferenceIsList: true, codes => new IcdCodeMetric(codes)),
        // Gold mentions as written; the raw output goes through the NER task's parser with the default pack's none word.
        new("ner", ReferenceIsList: true, _ => MentionSetMetric.Instance,
            Parse: new Tasks.NER.MentionListParser("none").Parse, Fields: ["ner_p", "ner_r", "ner_f1"]),
        // Needs Run's umls index (the verb's --lexicon); outputs umls_p, umls_r, umls_f1.
        new(UmlsConceptMetric.MetricName, ReferenceIsList: false,
            _ => throw new FormatException($"Metric '{UmlsConceptMetric.MetricName}' needs a UMLS lexicon (--lexicon PATH to an MRCONSO.RRF).")),
    ];

    /// <summary>The per-example fields of <c>--metric bertscore</c>, after "id".</summary>
    public static readonly IReadOnlyList<string> BertScoreFields = BertScoreMetric.Fields;

    /// <summary>Every <c>--metric</c> value: the <see cref="Metrics"/> and <see cref="BertScore.Name"/>.</summary>
    public static IReadOnlyList<string> MetricNames => [.. Metrics.Select(m => m.Name), BertScore.Name];

    private static readonly JsonWriterOptions Compact = new()
    {
        Indented = false,
        // Ids are echoed for machines, not embedded in HTML, so non-ASCII stays readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Scores <paramref name="inputPath"/>; returns <see cref="Ok"/> or <see cref="BadInput"/>. <paramref name="umls"/> is the umls metric's lexicon.</summary>
    public static int Run(string metric, string inputPath, TextWriter output, TextWriter error, string? codeListPath = null, UmlsIndex? umls = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var entry = Metrics.FirstOrDefault(m => string.Equals(m.Name, metric, StringComparison.Ordinal));
        if (entry is null)
        {
            error.WriteLine(metric == BertScore.Name
                ? $"Metric '{metric}' needs an encoder; it runs through {nameof(RunBertScoreAsync)}."
                : $"Unknown metric '{metric}'; expected one of: {string.Join(", ", MetricNames)}.");
            return BadInput;
        }
        if (!File.Exists(inputPath))
        {
            error.WriteLine($"Input file '{inputPath}' does not exist.");
            return BadInput;
        }

        try
        {
            var codes = codeListPath is null ? null : IcdCodeList.Load(codeListPath);
            var scorer = entry.Name == UmlsConceptMetric.MetricName && umls is not null ? new UmlsConceptMetric(umls) : entry.Create(codes);
            var lines = new List<string>();
            foreach (var (record, lineNumber) in Records(inputPath, entry.ReferenceIsList, entry.Name))
            {
                var parsed = entry.Parse is null ? record.Prediction : entry.Parse(record.Prediction);
                IReadOnlyDictionary<string, double> values;
                try
                {
                    values = scorer.Score(new ScoringInput(record.Prediction, parsed, record.Sample));
                }
                catch (ArgumentException e)
                {
                    throw new FormatException($"{inputPath}:{lineNumber}: {e.Message}", e);
                }
                var fields = entry.Fields ?? [.. scorer.Outputs.Select(o => o.Name).Where(values.ContainsKey)];
                lines.Add(FormatLine(record.Id, fields, values));
            }
            foreach (var l in lines) output.WriteLine(l);
            return Ok;
        }
        catch (Exception e) when (e is FormatException or FileNotFoundException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine(e.Message);
            return BadInput;
        }
    }

    /// <summary>
    /// BERTScore of every record's prediction (candidate) against its reference, one line
    /// <c>{"id","bertscore_p","bertscore_r","bertscore_f1"}</c> per record. The whole file is read and checked first;
    /// only then is <paramref name="openEncoder"/> called (loading a model takes a while), and the encoder disposed at
    /// the end when it is disposable. Returns <see cref="Ok"/> or <see cref="BadInput"/> (bad file, or an encoder
    /// folder or option the encoder refuses: its message is written).
    /// </summary>
    public static async Task<int> RunBertScoreAsync(
        string inputPath, Func<ITokenEncoder> openEncoder, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(openEncoder);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (!File.Exists(inputPath))
        {
            error.WriteLine($"Input file '{inputPath}' does not exist.");
            return BadInput;
        }
        ITokenEncoder? encoder = null;
        try
        {
            var records = Records(inputPath, referenceIsList: false, BertScore.Name).Select(r => r.Record).ToList();
            encoder = openEncoder();
            var scores = await BertScore.ScoreAsync([.. records.Select(r => (r.Prediction, r.Sample.Reference))], encoder, cancellationToken)
                .ConfigureAwait(false);
            for (var i = 0; i < records.Count; i++)
            {
                output.WriteLine(FormatLine(records[i].Id, BertScoreFields, BertScoreMetric.Values(scores[i])));
            }
            return Ok;
        }
        catch (Exception e) when (Runs.UserErrors.Is(e))
        {
            error.WriteLine(e.Message);
            return BadInput;
        }
        finally
        {
            (encoder as IDisposable)?.Dispose();
        }
    }

    /// <summary>The records of a file with their line numbers, blank lines skipped; a bad line throws naming file:line.</summary>
    private static IEnumerable<(Record Record, int Line)> Records(string path, bool referenceIsList, string metric)
    {
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            yield return (ParseRecord(line, referenceIsList, metric, path, lineNumber), lineNumber);
        }
    }

    private sealed record Record(JsonElement Id, string Prediction, Sample Sample);

    private static Record ParseRecord(string line, bool referenceIsList, string metric, string path, int lineNumber)
    {
        string Where() => $"{path}:{lineNumber}";
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(line);
            root = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new FormatException($"{Where()}: not valid JSON ({e.Message}).", e);
        }
        if (root.ValueKind != JsonValueKind.Object)
            throw new FormatException($"{Where()}: expected a JSON object, found {Kind(root)}.");

        var id = Field(root, "id");
        if (id.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
            throw new FormatException($"{Where()}: field 'id' must be a string or a number, found {Kind(id)}.");
        var prediction = Field(root, "prediction");
        if (prediction.ValueKind != JsonValueKind.String)
            throw new FormatException($"{Where()}: field 'prediction' must be a string, found {Kind(prediction)}.");
        var reference = Field(root, "reference");

        var idText = id.ValueKind == JsonValueKind.String ? Text(id, "id") : id.GetRawText();
        var empty = new Dictionary<string, string>();
        if (!referenceIsList)
        {
            if (reference.ValueKind != JsonValueKind.String)
                throw new FormatException(
                    $"{Where()}: field 'reference' must be a string for metric '{metric}', found {Kind(reference)}.");
            return new Record(id, Text(prediction, "prediction"), new Sample(idText, empty, Text(reference, "reference")));
        }

        if (reference.ValueKind != JsonValueKind.Array)
            throw new FormatException(
                $"{Where()}: field 'reference' must be an array of strings for metric '{metric}', found {Kind(reference)}.");
        var items = new List<string>();
        var index = 0;
        foreach (var item in reference.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
                throw new FormatException($"{Where()}: field 'reference'[{index}] must be a string, found {Kind(item)}.");
            items.Add(Text(item, $"reference[{index}]"));
            index++;
        }
        return new Record(id, Text(prediction, "prediction"), new Sample(idText, empty, string.Join(", ", items), items));

        // A string holding an escaped lone surrogate ("\ud800") parses but cannot become a .NET string.
        string Text(JsonElement value, string name)
        {
            try
            {
                return value.GetString()!;
            }
            catch (InvalidOperationException e)
            {
                throw new FormatException($"{Where()}: field '{name}' is not a valid UTF-16 string ({e.Message}).", e);
            }
        }

        JsonElement Field(JsonElement obj, string name) => obj.TryGetProperty(name, out var value)
            ? value
            : throw new FormatException($"{Where()}: missing field '{name}'.");
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string FormatLine(JsonElement id, IReadOnlyList<string> fields, IReadOnlyDictionary<string, double> values)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Compact))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("id");
            id.WriteTo(writer);
            // Utf8JsonWriter writes doubles in the shortest form that round-trips.
            foreach (var name in fields) writer.WriteNumber(name, values[name]);
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
