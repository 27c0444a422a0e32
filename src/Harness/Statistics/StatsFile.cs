using System.Text.Encodings.Web;
using System.Text.Json;

namespace BioEval.Harness.Statistics;

/// <summary>
/// The logic of <c>bioeval stats</c>: runs a paired test on each line of a JSON-lines file, so BioEval's statistics
/// can be checked against SciPy and statsmodels on identical inputs. Lines are
/// <c>{"id", "test": "mcnemar"|"permutation"|"bootstrap", "base": [numbers], "bio": [numbers]}</c> (paired, same
/// order), answered by <c>{"id", "test", "n", "delta", "ci_low", "ci_high", "p_value"}</c> (p from the named test,
/// the interval from the paired bootstrap), or <c>{"id", "test": "adjust", "p_values": [numbers]}</c>, answered by
/// <c>{"id", "holm": [...], "bh": [...]}</c>. The whole file is checked before anything is written.
/// </summary>
public static class StatsFile
{
    public const int Ok = 0;
    public const int BadInput = 2;

    private static readonly string[] Tests = ["mcnemar", "permutation", "bootstrap", "adjust"];

    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Runs every line of <paramref name="inputPath"/>; returns <see cref="Ok"/> or <see cref="BadInput"/>.</summary>
    public static int Run(string inputPath, int resamples, ulong seed, TextWriter output, TextWriter error)
    {
        if (resamples < 1)
        {
            error.WriteLine($"--resamples must be at least 1, got {resamples}.");
            return BadInput;
        }
        if (!File.Exists(inputPath))
        {
            error.WriteLine($"Input file '{inputPath}' does not exist.");
            return BadInput;
        }
        var lines = new List<string>();
        var lineNumber = 0;
        try
        {
            foreach (var line in File.ReadLines(inputPath))
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line)) continue;
                lines.Add(Answer(line, $"{inputPath}:{lineNumber}", resamples, seed));
            }
        }
        catch (FormatException e)
        {
            error.WriteLine(e.Message);
            return BadInput;
        }
        catch (IOException e)
        {
            error.WriteLine($"{inputPath}: {e.Message}");
            return BadInput;
        }
        foreach (var l in lines) output.WriteLine(l);
        return Ok;
    }

    private static string Answer(string line, string where, int resamples, ulong seed)
    {
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(line);
            root = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new FormatException($"{where}: not valid JSON ({e.Message}).", e);
        }
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"{where}: expected a JSON object.");
        if (!root.TryGetProperty("id", out var id) || id.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
            throw new FormatException($"{where}: \"id\" must be a string or a number.");
        var test = root.TryGetProperty("test", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
        if (!Tests.Contains(test))
            throw new FormatException($"{where}: \"test\" must be one of {string.Join(", ", Tests)}, got {(t.ValueKind == JsonValueKind.Undefined ? "nothing" : t.GetRawText())}.");

        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, Compact))
        {
            w.WriteStartObject();
            w.WritePropertyName("id");
            id.WriteTo(w);
            if (test == "adjust")
            {
                var p = Numbers(root, "p_values", where);
                if (p.Any(v => v is < 0 or > 1)) throw new FormatException($"{where}: every p-value must be in [0, 1].");
                WriteArray(w, "holm", MultipleComparisons.Holm(p));
                WriteArray(w, "bh", MultipleComparisons.BenjaminiHochberg(p));
            }
            else
            {
                var baseScores = Numbers(root, "base", where);
                var bioScores = Numbers(root, "bio", where);
                if (baseScores.Length != bioScores.Length)
                    throw new FormatException($"{where}: \"base\" has {baseScores.Length} values and \"bio\" {bioScores.Length}; paired scores need equal lengths.");
                if (baseScores.Length == 0) throw new FormatException($"{where}: a paired test needs at least one pair.");
                var bootstrap = PairedBootstrap.Run(baseScores, bioScores, null, resamples, seed);
                double p;
                try
                {
                    p = test switch
                    {
                        "mcnemar" => PairedTests.McNemarExact(baseScores, bioScores),
                        "permutation" => PairedTests.SignFlip([.. bioScores.Zip(baseScores, (b, a) => b - a)], resamples, seed),
                        _ => bootstrap.PValue,
                    };
                }
                catch (ArgumentException e)
                {
                    throw new FormatException($"{where}: {e.Message}", e);
                }
                w.WriteString("test", test);
                w.WriteNumber("n", baseScores.Length);
                w.WriteNumber("delta", bootstrap.Delta);
                w.WriteNumber("ci_low", bootstrap.CiLow);
                w.WriteNumber("ci_high", bootstrap.CiHigh);
                w.WriteNumber("p_value", p);
            }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static double[] Numbers(JsonElement root, string field, string where)
    {
        if (!root.TryGetProperty(field, out var array) || array.ValueKind != JsonValueKind.Array)
            throw new FormatException($"{where}: \"{field}\" must be an array of numbers.");
        var values = new double[array.GetArrayLength()];
        var i = 0;
        foreach (var e in array.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out var v) || !double.IsFinite(v))
                throw new FormatException($"{where}: \"{field}\"[{i}] is {e.GetRawText()}, not a finite number.");
            values[i++] = v;
        }
        return values;
    }

    private static void WriteArray(Utf8JsonWriter w, string name, IEnumerable<double> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }
}
