using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using BioEval.Harness.Metrics.Umls;

namespace BioEval.Cli.Verbs;

/// <summary>The figures of one <c>bioeval bench umls</c> run.</summary>
internal sealed record UmlsBenchResult(
    long Rows, long FileBytes, double GenerateSeconds, double ReadSeconds, double ParseSeconds, double BuildSeconds,
    long BuildPeakBytes, bool PeakIsBuildOnly, long IndexMemoryBytes, int Concepts, int Aliases, double SaveSeconds, long IndexFileBytes,
    double ReloadSeconds, int Texts, long TextTokens, long Matches, double MatchSeconds)
{
    /// <summary>The human-readable summary line, ratios against the two peers.</summary>
    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"UMLS index of {Rows:N0} rows ({FileBytes / 1e9:F2} GB; {Concepts:N0} concepts, {Aliases:N0} aliases): build {BuildSeconds:F1} s = " +
        $"{BuildSeconds / ReadSeconds:F1}x read, {BuildSeconds / ParseSeconds:F2}x parse; peak {BuildPeakBytes / 1e9:F2} GB{(PeakIsBuildOnly ? "" : " (whole run)")}; " +
        $"index file {IndexFileBytes / 1e6:F0} MB; reload {ReloadSeconds:F2} s = {ReloadSeconds / ReadSeconds:F2}x read; " +
        $"{Texts / MatchSeconds:F0} texts/s, {TextTokens / MatchSeconds / 1e6:F2} M tokens/s, {Matches / MatchSeconds:F0} matches/s");

    /// <summary>The figures as one JSON object, for scripts.</summary>
    public string ToJsonLine() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["rows"] = Rows, ["file_bytes"] = FileBytes, ["concepts"] = Concepts, ["aliases"] = Aliases,
        ["generate_seconds"] = Math.Round(GenerateSeconds, 2), ["read_seconds"] = Math.Round(ReadSeconds, 3),
        ["parse_seconds"] = Math.Round(ParseSeconds, 3), ["build_seconds"] = Math.Round(BuildSeconds, 3),
        ["build_peak_bytes"] = BuildPeakBytes, ["peak_is_build_only"] = PeakIsBuildOnly, ["index_memory_bytes"] = IndexMemoryBytes,
        ["save_seconds"] = Math.Round(SaveSeconds, 3), ["index_file_bytes"] = IndexFileBytes, ["reload_seconds"] = Math.Round(ReloadSeconds, 3),
        ["texts"] = Texts, ["tokens"] = TextTokens, ["matches"] = Matches, ["match_seconds"] = Math.Round(MatchSeconds, 4),
    });
}

/// <summary>
/// <c>bioeval bench umls</c>: writes a synthetic MRCONSO.RRF of realistic shape, then times the UMLS index against
/// two peers on the same file in the same process: reading its bytes (counting lines) and parsing its rows with
/// <see cref="MrconsoReader"/> (fields, UTF-8, filters) without building anything. Building can be no faster than
/// the parse; the ratios say what the index adds.
/// </summary>
/// <remarks>
/// The shape follows a full English-heavy release: about 3.8 rows per CUI (so 17 million rows hold ~4.5 million CUIs),
/// strings of 1 to 8 words drawn with a skew from 300,000 invented words, ten sources, one preferred-name row per CUI,
/// case and word-order variants (which normalise to an alias already seen), synonyms, ~10% rows in other languages
/// and ~5% suppressed. The build's peak memory is the process's high-water mark after resetting it through
/// /proc/self/clear_refs (Linux); where that cannot be reset, the peak of the whole run is reported and said to be.
/// </remarks>
internal static class UmlsBench
{
    private static readonly string[] Sources = ["MSH", "SNOMEDCT_US", "NCI", "MTH", "MEDCPT", "RXNORM", "LNC", "MDR", "ICD10CM", "HPO"];
    private static readonly string[] Languages = ["FRE", "SPA", "GER", "DUT", "ITA", "POR"];
    private static readonly int[] WordCountWeights = [10, 25, 25, 15, 10, 7, 5, 3]; // 1 to 8 words
    private static readonly string[] Filler = ["the", "patient", "was", "with", "and", "on", "a", "history", "of", "noted", "no", "new", "given", "for", "in"];

    public static UmlsBenchResult Run(long rows, string folder, Action<string> log)
    {
        Directory.CreateDirectory(folder);
        var lexicon = Path.Combine(folder, "MRCONSO.RRF");
        var clock = Stopwatch.StartNew();
        var aliases = Generate(lexicon, rows, seed: 1);
        var generate = clock.Elapsed.TotalSeconds;
        var bytes = new FileInfo(lexicon).Length;
        log($"generated {rows:N0} rows ({bytes / 1e9:F2} GB) in {generate:F1} s");

        clock.Restart();
        var lines = CountLines(lexicon);
        var read = clock.Elapsed.TotalSeconds;
        if (lines != rows) throw new InvalidOperationException($"Generated {rows} rows but read {lines} lines.");
        log($"peer: read {read:F2} s");

        clock.Restart();
        long kept = 0;
        using (var reader = new MrconsoReader(lexicon))
            while (reader.Read()) kept++;
        var parse = clock.Elapsed.TotalSeconds;
        log($"peer: parse {parse:F2} s ({kept:N0} rows kept)");

        GC.Collect();
        var peakIsBuildOnly = ResetPeakWorkingSet();
        clock.Restart();
        var built = UmlsIndex.Build(lexicon);
        var build = clock.Elapsed.TotalSeconds;
        var peak = PeakWorkingSet();
        log($"build {build:F2} s, peak working set {peak / 1e9:F2} GB{(peakIsBuildOnly ? "" : " (whole run: could not reset the peak)")}");

        var indexPath = Path.Combine(folder, "bench" + UmlsIndexCache.Extension);
        clock.Restart();
        built.Save(indexPath);
        var save = clock.Elapsed.TotalSeconds;
        var indexBytes = new FileInfo(indexPath).Length;
        var (concepts, aliasCount, memory) = (built.ConceptCount, built.AliasCount, built.Bytes);

        var texts = Texts(aliases, count: 1_000, seed: 2);
        var expected = texts.Select(built.Match).ToList();
        built = null;
        GC.Collect();
        clock.Restart();
        var loaded = UmlsIndex.Load(indexPath);
        var reload = clock.Elapsed.TotalSeconds;
        log($"save {save:F2} s ({indexBytes / 1e6:F0} MB), reload {reload:F2} s");
        for (var i = 0; i < texts.Count; i++)
            if (!expected[i].SequenceEqual(loaded.Match(texts[i])))
                throw new InvalidOperationException($"The reloaded index matches text {i} differently from the built one.");

        // Timed as the metric uses the index: each text's set of canonical names.
        const int passes = 5;
        long names = 0;
        clock.Restart();
        for (var pass = 0; pass < passes; pass++)
            foreach (var text in texts) names += loaded.ConceptNames(text).Count;
        var match = clock.Elapsed.TotalSeconds;
        var tokens = passes * texts.Sum(t => (long)UmlsText.Tokens(t).Count);
        var matches = passes * expected.Sum(m => (long)m.Count);
        return new UmlsBenchResult(rows, bytes, generate, read, parse, build, peak, peakIsBuildOnly, memory, concepts, aliasCount,
            save, indexBytes, reload, passes * texts.Count, tokens, matches, match);
    }

    /// <summary>Writes <paramref name="rows"/> synthetic rows; returns a sample of English strings to build texts from.</summary>
    private static List<string> Generate(string path, long rows, int seed)
    {
        var random = new Random(seed);
        var vocabulary = Vocabulary(300_000, random);
        var sample = new List<string>();
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), bufferSize: 1 << 20) { NewLine = "\n" };
        long row = 0, cui = 0;
        var words = new List<string>();
        while (row < rows)
        {
            cui++;
            var count = 1 + random.Next(6) + (random.NextDouble() < 0.1 ? 3 : 0);
            Words(words, vocabulary, random);
            var name = string.Join(' ', words.Select((w, i) => i == 0 ? char.ToUpperInvariant(w[0]) + w[1..] : w));
            if (sample.Count < 20_000 && random.Next(64) == 0) sample.Add(name);
            for (var k = 0; k < count && row < rows; k++, row++)
            {
                var (lat, ts, stt, ispref, suppress, text) = ("ENG", "S", "PF", "Y", "N", name);
                var kind = random.Next(100);
                if (k == 0) ts = "P";
                else if (kind < 10)
                {
                    lat = Languages[random.Next(Languages.Length)];
                    text = name + (lat == "SPA" ? "o" : "e");
                }
                else if (kind < 15)
                {
                    suppress = "OEY"[random.Next(3)].ToString();
                    text = name + " NOS";
                }
                else if (kind < 35) (ts, stt, ispref, text) = ("P", "VC", "N", random.Next(2) == 0 ? name.ToUpperInvariant() : name.ToLowerInvariant());
                else if (kind < 50 && words.Count > 1) (stt, ispref, text) = ("VO", "N", words[^1] + ", " + string.Join(' ', words.Take(words.Count - 1)));
                else
                {
                    var synonym = new List<string>();
                    Words(synonym, vocabulary, random);
                    text = string.Join(' ', synonym);
                }
                WriteRow(writer, cui, row, lat, ts, stt, ispref, Sources[random.Next(Sources.Length)], suppress, text);
            }
        }
        return sample;
    }

    private static void WriteRow(StreamWriter w, long cui, long row, string lat, string ts, string stt, string ispref, string sab, string suppress, string text)
    {
        w.Write('C'); w.Write(cui.ToString("D7")); w.Write('|');
        w.Write(lat); w.Write('|');
        w.Write(ts); w.Write("|L"); w.Write((row / 2).ToString("D7")); w.Write('|');
        w.Write(stt); w.Write("|S"); w.Write(row.ToString("D7")); w.Write('|');
        w.Write(ispref); w.Write("|A"); w.Write(row.ToString("D8")); w.Write('|');
        w.Write(row % 3 == 0 ? (row * 7).ToString() : ""); w.Write('|');         // SAUI
        w.Write(sab == "SNOMEDCT_US" ? (cui * 13).ToString() : ""); w.Write('|'); // SCUI
        w.Write(sab == "MSH" ? "D" + cui.ToString("D6") : ""); w.Write('|');      // SDUI
        w.Write(sab); w.Write('|');
        w.Write(ts == "P" ? "PT" : "SY"); w.Write('|');
        w.Write(sab[0]); w.Write(cui.ToString()); w.Write('|');                   // CODE
        w.Write(text); w.Write('|');
        w.Write(sab == "SNOMEDCT_US" ? '9' : '0'); w.Write('|');
        w.Write(suppress); w.Write('|');
        w.Write(row % 4 == 0 ? "256" : ""); w.Write("|\n");
    }

    private static void Words(List<string> words, string[] vocabulary, Random random)
    {
        words.Clear();
        var pick = random.Next(100);
        var (count, sum) = (1, WordCountWeights[0]);
        while (pick >= sum) sum += WordCountWeights[count++];
        for (var i = 0; i < count; i++) words.Add(vocabulary[(int)(vocabulary.Length * Math.Pow(random.NextDouble(), 2.5))]);
    }

    /// <summary>Distinct invented words of two to four syllables, none an abbreviation key or a stopword.</summary>
    private static string[] Vocabulary(int size, Random random)
    {
        string[] onsets = ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "cl", "dr", "gr", "ph", "pr", "st", "th", "tr"];
        string[] vowels = ["a", "e", "i", "o", "u", "y", "ae", "io", "ou"];
        string[] codas = ["", "", "n", "r", "s", "l", "x", "m"];
        var words = new HashSet<string>(StringComparer.Ordinal);
        var builder = new StringBuilder();
        while (words.Count < size)
        {
            builder.Clear();
            for (var s = 2 + random.Next(3); s > 0; s--)
                builder.Append(onsets[random.Next(onsets.Length)]).Append(vowels[random.Next(vowels.Length)]).Append(codas[random.Next(codas.Length)]);
            var word = builder.ToString();
            if (!UmlsText.Abbreviations.ContainsKey(word) && !UmlsText.Stopwords.Contains(word)) words.Add(word);
        }
        return [.. words];
    }

    /// <summary>Discharge-summary-sized texts (~150 words): filler and vocabulary words with an alias every ~12 words.</summary>
    private static List<string> Texts(List<string> aliases, int count, int seed)
    {
        var random = new Random(seed);
        var texts = new List<string>(count);
        var builder = new StringBuilder();
        for (var t = 0; t < count; t++)
        {
            builder.Clear();
            for (var words = 0; words < 150;)
            {
                if (random.Next(12) == 0)
                {
                    var alias = aliases[random.Next(aliases.Count)];
                    builder.Append(alias).Append(random.Next(3) == 0 ? ", " : " ");
                    words += alias.Count(c => c == ' ') + 1;
                }
                else
                {
                    builder.Append(Filler[random.Next(Filler.Length)]).Append(' ');
                    words++;
                }
            }
            texts.Add(builder.ToString());
        }
        return texts;
    }

    private static long CountLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        var buffer = new byte[1 << 20];
        long lines = 0;
        for (int read; (read = stream.Read(buffer)) > 0;) lines += buffer.AsSpan(0, read).Count((byte)'\n');
        return lines;
    }

    // Linux: writing 5 to clear_refs resets the VmHWM that PeakWorkingSet64 reads.
    private static bool ResetPeakWorkingSet()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long PeakWorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }
}
