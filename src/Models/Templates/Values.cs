using System.Collections;
using System.Globalization;
using System.Text;

namespace BioEval.Models.Templates;

/// <summary>Jinja's default Undefined: renders empty, is falsy, and remembers its name for error messages.</summary>
internal sealed class Undefined(string name)
{
    public string Name { get; } = name;
    public override string ToString() => "";
}

/// <summary>The mutable object made by <c>namespace()</c>; the only thing a loop body may assign into.</summary>
internal sealed class Namespace
{
    public Dictionary<string, object?> Values { get; } = new(StringComparer.Ordinal);
}

/// <summary>Arguments of a call: positional then keyword, in source order.</summary>
internal sealed record CallArgs(List<object?> Positional, Dictionary<string, object?> Keyword)
{
    public static CallArgs Empty => new([], new(StringComparer.Ordinal));

    /// <summary>Python-style parameter binding: position <paramref name="index"/> or keyword <paramref name="name"/>.</summary>
    public object? Get(int index, string name, object? fallback = null)
    {
        if (Keyword.TryGetValue(name, out var v)) return v;
        return index >= 0 && index < Positional.Count ? Positional[index] : fallback;
    }

    public bool Has(int index, string name) => Keyword.ContainsKey(name) || (index >= 0 && index < Positional.Count);
}

/// <summary>A callable value: a global function, a macro, or a bound method of a string, list or dict.</summary>
internal sealed class FunctionValue(string name, Func<CallArgs, object?> invoke)
{
    public string Name { get; } = name;
    public object? Invoke(CallArgs args) => invoke(args);
}

/// <summary>
/// Python-like semantics of the runtime values (string, long, double, bool, null, Undefined, List, Dictionary,
/// Namespace, FunctionValue): truthiness, str(), repr(), equality, ordering and JSON, as Jinja in transformers sees them.
/// </summary>
internal static class Py
{
    public static bool Truthy(object? v) => v switch
    {
        null or Undefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        List<object?> l => l.Count > 0,
        Dictionary<string, object?> d => d.Count > 0,
        _ => true,
    };

    public static string TypeName(object? v) => v switch
    {
        null => "NoneType",
        Undefined => "Undefined",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        List<object?> => "list",
        Dictionary<string, object?> => "dict",
        Namespace => "Namespace",
        FunctionValue => "function",
        _ => v.GetType().Name,
    };

    /// <summary>Python's str(): what <c>{{ value }}</c> prints.</summary>
    public static string Str(object? v) => v switch
    {
        string s => s,
        Undefined => "",
        _ => Repr(v),
    };

    public static string Repr(object? v) => v switch
    {
        null => "None",
        Undefined => "",
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => FloatRepr(d),
        string s => ReprString(s),
        List<object?> l => "[" + string.Join(", ", l.Select(Repr)) + "]",
        Dictionary<string, object?> d => "{" + string.Join(", ", d.Select(kv => ReprString(kv.Key) + ": " + Repr(kv.Value))) + "}",
        Namespace => "<Namespace>",
        FunctionValue f => $"<function {f.Name}>",
        _ => v.ToString() ?? "",
    };

    public static string FloatRepr(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsInfinity(d)) return d > 0 ? "inf" : "-inf";
        if (d == Math.Floor(d) && Math.Abs(d) < 1e16)
            return (d == 0 && double.IsNegative(d) ? "-" : "") + ((long)d).ToString(CultureInfo.InvariantCulture) + ".0";
        return d.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
    }

    static string ReprString(string s)
    {
        var quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        var sb = new StringBuilder().Append(quote);
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c == quote) sb.Append('\\').Append(c);
                    else if (c < 0x20 || c == 0x7f) sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append(quote).ToString();
    }

    public static bool IsNumber(object? v) => v is long or double or bool;

    public static double ToDouble(object? v) => v switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        _ => throw new InvalidOperationException($"expected a number, got {TypeName(v)}"),
    };

    /// <summary>Python ==: 1 == 1.0 == True, deep equality of lists and dicts, Undefined equals only Undefined.</summary>
    public static new bool Equals(object? a, object? b)
    {
        if (a is Undefined || b is Undefined) return a is Undefined && b is Undefined;
        if (a is null || b is null) return a is null && b is null;
        if (IsNumber(a) && IsNumber(b))
        {
            if (a is double || b is double) return ToDouble(a) == ToDouble(b);
            return ToLong(a) == ToLong(b);
        }
        return (a, b) switch
        {
            (string x, string y) => string.Equals(x, y, StringComparison.Ordinal),
            (List<object?> x, List<object?> y) => x.Count == y.Count && x.Zip(y).All(p => Equals(p.First, p.Second)),
            (Dictionary<string, object?> x, Dictionary<string, object?> y) =>
                x.Count == y.Count && x.All(kv => y.TryGetValue(kv.Key, out var o) && Equals(kv.Value, o)),
            _ => ReferenceEquals(a, b),
        };
    }

    static long ToLong(object v) => v switch { long l => l, bool b => b ? 1 : 0, _ => (long)ToDouble(v) };

    /// <summary>Python ordering for numbers, strings and lists; anything else is a TypeError in Python too.</summary>
    public static int Compare(object? a, object? b)
    {
        if (IsNumber(a) && IsNumber(b))
            return a is double || b is double ? ToDouble(a).CompareTo(ToDouble(b)) : ToLong(a!).CompareTo(ToLong(b!));
        if (a is string x && b is string y) return string.CompareOrdinal(x, y) switch { < 0 => -1, > 0 => 1, _ => 0 };
        if (a is List<object?> la && b is List<object?> lb)
        {
            for (var i = 0; i < Math.Min(la.Count, lb.Count); i++)
            {
                var c = Compare(la[i], lb[i]);
                if (c != 0) return c;
            }
            return la.Count.CompareTo(lb.Count);
        }
        throw new InvalidOperationException($"cannot compare {TypeName(a)} with {TypeName(b)}");
    }

    /// <summary>
    /// transformers' tojson: json.dumps(ensure_ascii=False, sort_keys=False), separators ", " / ": " or, with an indent,
    /// "," / ": " and a newline plus indent per level.
    /// </summary>
    public static string ToJson(object? v, int? indent)
    {
        var sb = new StringBuilder();
        WriteJson(sb, v, indent, 0);
        return sb.ToString();
    }

    static void WriteJson(StringBuilder sb, object? v, int? indent, int depth)
    {
        switch (v)
        {
            case null or Undefined: sb.Append("null"); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d:
                sb.Append(double.IsNaN(d) ? "NaN" : double.IsInfinity(d) ? (d > 0 ? "Infinity" : "-Infinity") : FloatRepr(d));
                break;
            case string s: JsonString(sb, s); break;
            case List<object?> list:
                WriteContainer(sb, '[', ']', list.Select(x => (Action<int>)(dep => WriteJson(sb, x, indent, dep))).ToList(), indent, depth);
                break;
            case Dictionary<string, object?> dict:
                WriteContainer(sb, '{', '}', dict.Select(kv => (Action<int>)(dep =>
                {
                    JsonString(sb, kv.Key);
                    sb.Append(": ");
                    WriteJson(sb, kv.Value, indent, dep);
                })).ToList(), indent, depth);
                break;
            case Namespace ns: WriteJson(sb, ns.Values, indent, depth); break;
            default: throw new InvalidOperationException($"Object of type {TypeName(v)} is not JSON serializable");
        }
    }

    static void WriteContainer(StringBuilder sb, char open, char close, List<Action<int>> items, int? indent, int depth)
    {
        sb.Append(open);
        if (items.Count == 0) { sb.Append(close); return; }
        for (var i = 0; i < items.Count; i++)
        {
            if (indent is int n)
            {
                if (i > 0) sb.Append(',');
                sb.Append('\n').Append(' ', n * (depth + 1));
            }
            else if (i > 0) sb.Append(", ");
            items[i](depth + 1);
        }
        if (indent is int m) sb.Append('\n').Append(' ', m * depth);
        sb.Append(close);
    }

    /// <summary>A JSON string literal as Python's json.dumps(ensure_ascii=False) writes it.</summary>
    public static string JsonQuote(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        JsonString(sb, s);
        return sb.ToString();
    }

    static void JsonString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }

    /// <summary>Converts caller data (CLR primitives, dictionaries, sequences, JsonElement) into runtime values.</summary>
    public static object? FromClr(object? v) => v switch
    {
        null => null,
        string or bool or long or double or Undefined or Namespace or FunctionValue => v,
        int i => (long)i,
        short s => (long)s,
        byte b => (long)b,
        uint u => (long)u,
        ulong ul => (long)ul,
        float f => (double)f,
        decimal m => (double)m,
        char c => c.ToString(),
        System.Text.Json.JsonElement e => FromJson(e),
        IReadOnlyDictionary<string, object?> d => d.ToDictionary(kv => kv.Key, kv => FromClr(kv.Value), StringComparer.Ordinal),
        IDictionary d => d.Keys.Cast<object>().ToDictionary(k => k.ToString() ?? "", k => FromClr(d[k]), StringComparer.Ordinal),
        IEnumerable e => e.Cast<object?>().Select(FromClr).ToList(),
        _ => throw new ArgumentException($"a template variable of type {v.GetType().Name} is not supported"),
    };

    public static object? FromJson(System.Text.Json.JsonElement e) => e.ValueKind switch
    {
        System.Text.Json.JsonValueKind.String => e.GetString(),
        System.Text.Json.JsonValueKind.Number => e.TryGetInt64(out var l) ? l : e.GetDouble(),
        System.Text.Json.JsonValueKind.True => true,
        System.Text.Json.JsonValueKind.False => false,
        System.Text.Json.JsonValueKind.Array => e.EnumerateArray().Select(FromJson).ToList(),
        System.Text.Json.JsonValueKind.Object => e.EnumerateObject().GroupBy(p => p.Name)
            .ToDictionary(g => g.Key, g => FromJson(g.Last().Value), StringComparer.Ordinal),
        _ => null,
    };
}
