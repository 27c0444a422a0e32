using BioEval.Models;

namespace BioEval.Harness.Runs;

/// <summary>One configuration value and where it came from, so an error can name its source.</summary>
/// <param name="Value">The value as given.</param>
/// <param name="Source">"environment variable BIOEVAL_LIMIT", "runsettings/smoke.runsettings &lt;BIOEVAL_LIMIT&gt;", "--limit", ...</param>
/// <param name="BaseDirectory">What a relative path in it is relative to: the profile's folder (the repository for the
/// repository's profiles) for a file's values, the current folder for the environment's and the command line's.</param>
public sealed record Setting(string Value, string Source, string BaseDirectory);

/// <summary>
/// Reads typed values out of settings, collecting a problem (naming the setting's source) for each malformed or
/// out-of-range one instead of stopping at the first, so a run reports every configuration error at once.
/// </summary>
internal sealed class SettingReader(IReadOnlyDictionary<string, Setting> settings)
{
    public List<string> Problems { get; } = [];

    public string? Get(string key) => settings.TryGetValue(key, out var s) && !string.IsNullOrWhiteSpace(s.Value) ? s.Value.Trim() : null;

    public void Fail(string key, string message) => Problems.Add($"{(settings.TryGetValue(key, out var s) ? s.Source : key)}: {message}");

    public int? Int(string key, int min)
    {
        if (Get(key) is not { } text) return null;
        if (!int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value))
        {
            Fail(key, $"must be an integer, got '{text}'.");
            return null;
        }
        if (value < min)
        {
            Fail(key, $"must be at least {min}, got {value}.");
            return null;
        }
        return value;
    }

    public double? Double(string key, double min, bool minExclusive = false, double max = double.PositiveInfinity, bool maxExclusive = false)
    {
        if (Get(key) is not { } text) return null;
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            Fail(key, $"must be a finite number, got '{text}'.");
            return null;
        }
        var low = minExclusive ? value <= min : value < min;
        var high = maxExclusive ? value >= max : value > max;
        if (low || high)
        {
            var range = double.IsPositiveInfinity(max)
                ? (minExclusive ? $"greater than {Inv(min)}" : $"at least {Inv(min)}")
                : $"in {(minExclusive ? "(" : "[")}{Inv(min)}, {Inv(max)}{(maxExclusive ? ")" : "]")}";
            Fail(key, $"must be {range}, got {text}.");
            return null;
        }
        return value;
    }

    public System.Numerics.BigInteger? Seed(string key)
    {
        if (Get(key) is not { } text) return null;
        try
        {
            return Models.SeedValue.Parse(text, key);
        }
        catch (FormatException)
        {
            Fail(key, $"must be an integer, got '{text}'.");
            return null;
        }
    }

    public bool? Bool(string key)
    {
        if (Get(key) is not { } text) return null;
        if (bool.TryParse(text, out var b)) return b;
        Fail(key, $"must be true or false, got '{text}'.");
        return null;
    }

    public T? Choice<T>(string key, IReadOnlyDictionary<string, T> choices) where T : struct
    {
        if (Get(key) is not { } text) return null;
        if (choices.TryGetValue(text, out var value)) return value;
        Fail(key, $"must be {string.Join(", ", choices.Keys.SkipLast(1))} or {choices.Keys.Last()}, got '{text}'{NearestName.Hint(text, choices.Keys)}.");
        return null;
    }

    /// <summary>Comma-separated task names, each known (any case), duplicates dropped; null when unset.</summary>
    public IReadOnlyList<string>? Tasks(string key)
    {
        if (Get(key) is not { } text) return null;
        var names = new List<string>();
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var known = Harness.Tasks.TaskCatalog.Names.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
            if (known is null) Fail(key, $"unknown task '{name}'{NearestName.Hint(name, Harness.Tasks.TaskCatalog.Names)}. Known tasks: {string.Join(", ", Harness.Tasks.TaskCatalog.Names)}.");
            else if (!names.Contains(known)) names.Add(known);
        }
        return names;
    }

    /// <summary>A path setting, ${VAR}-expanded and made absolute against its base; optionally it must exist.</summary>
    public string? Path(string key, bool mustExist = false)
    {
        if (!settings.TryGetValue(key, out var setting) || string.IsNullOrWhiteSpace(setting.Value)) return null;
        try
        {
            var path = Resolve(setting, key);
            if (mustExist && !File.Exists(path) && !Directory.Exists(path)) Fail(key, $"{path} does not exist.");
            return path;
        }
        catch (InvalidDataException e)
        {
            Problems.Add(e.Message);
            return null;
        }
    }

    /// <summary>A path setting made absolute: ${VAR} expanded, then against the setting's base folder.</summary>
    public static string Resolve(Setting setting, string key) =>
        System.IO.Path.GetFullPath(PathExpansion.Expand(setting.Value.Trim(), setting.Source), setting.BaseDirectory);

    private static string Inv(double d) => d.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Every problem found in a run's configuration or inputs, reported together (a user fixes them in one go rather than
/// one rerun each). The message lists them one per line.
/// </summary>
public sealed class ConfigurationException(IReadOnlyList<string> problems)
    : Exception(problems.Count == 1 ? problems[0] : $"{problems.Count} problems:\n" + string.Join("\n", problems.Select(p => "  - " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
