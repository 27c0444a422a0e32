using System.Text.Json;
using System.Text.RegularExpressions;

namespace BioEval.Harness.Runs;

/// <summary>
/// Appends every model output to <c>&lt;dir&gt;/&lt;task&gt;__&lt;model&gt;.jsonl</c> the moment it arrives,
/// so an interrupted run loses nothing. With <paramref name="resume"/>, outputs recorded earlier for the same
/// item, repeat, prompt hash and decoding settings are reused instead of asking the model again.
/// </summary>
public sealed partial class Checkpoint(string directory, string decodingKey, bool resume)
{
    private readonly Lock _gate = new();

    public string Directory { get; } = directory;

    /// <summary>Outputs recorded earlier, keyed by (item id, repeat, prompt hash); empty unless resuming.</summary>
    public Dictionary<(string Id, int Repeat, string PromptHash), string> Completed(string task, string model)
    {
        var result = new Dictionary<(string, int, string), string>();
        var path = FileFor(task, model);
        if (!resume || !File.Exists(path)) return result;
        foreach (var line in File.ReadLines(path))
        {
            // A run killed mid-write leaves a torn last line: skip what does not parse.
            Entry? e;
            try { e = JsonSerializer.Deserialize<Entry>(line); }
            catch (JsonException) { continue; }
            if (e is not null && e.Decoding == decodingKey) result[(e.Id, e.Repeat, e.PromptHash)] = e.Output;
        }
        return result;
    }

    /// <summary>Records one output (thread-safe; flushed per line).</summary>
    public void Append(string task, string model, string id, int repeat, string promptHash, string output)
    {
        var line = JsonSerializer.Serialize(new Entry(id, repeat, promptHash, decodingKey, output));
        lock (_gate)
        {
            System.IO.Directory.CreateDirectory(Directory);
            File.AppendAllText(FileFor(task, model), line + "\n");
        }
    }

    private string FileFor(string task, string model) => Path.Combine(Directory, $"{Safe(task)}__{Safe(model)}.jsonl");

    private static string Safe(string s) => Unsafe().Replace(s, "_");

    [GeneratedRegex(@"[^A-Za-z0-9._-]")]
    private static partial Regex Unsafe();

    private sealed record Entry(string Id, int Repeat, string PromptHash, string Decoding, string Output);
}
