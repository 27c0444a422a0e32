using System.Globalization;
using System.Text;

namespace BioEval.Models.Templates;

/// <summary>Operators, attribute access, tests, filters, methods and global functions of the supported subset.</summary>
internal static class Builtins
{
    // ---- access ----

    /// <summary><c>x.name</c>: a method of strings/dicts/lists first (as Python getattr), then a dict key; missing is Undefined.</summary>
    public static object? GetAttribute(object? target, string name)
    {
        if (Method(target, name) is { } method) return method;
        return target switch
        {
            Dictionary<string, object?> d => d.TryGetValue(name, out var v) ? v : new Undefined(name),
            Namespace ns => ns.Values.TryGetValue(name, out var v) ? v : new Undefined(name),
            _ => new Undefined(name),
        };
    }

    /// <summary><c>x[key]</c>: a dict key or list/string index first, then an attribute; missing is Undefined.</summary>
    public static object? GetItem(object? target, object? key)
    {
        switch (target)
        {
            case Dictionary<string, object?> d when key is string s:
                return d.TryGetValue(s, out var v) ? v : GetAttribute(target, s);
            case Namespace ns when key is string s:
                return ns.Values.TryGetValue(s, out var nv) ? nv : new Undefined(s);
            case List<object?> l when key is long or bool:
            {
                var i = key is bool b ? (b ? 1 : 0) : (long)key;
                if (i < 0) i += l.Count;
                return i >= 0 && i < l.Count ? l[(int)i] : new Undefined($"[{key}]");
            }
            case string str when key is long or bool:
            {
                var chars = Evaluator.StringChars(str);
                var i = key is bool b ? (b ? 1 : 0) : (long)key;
                if (i < 0) i += chars.Count;
                return i >= 0 && i < chars.Count ? chars[(int)i] : new Undefined($"[{key}]");
            }
            case var _ when key is string name:
                return GetAttribute(target, name);
            default:
                return new Undefined($"[{Py.Repr(key)}]");
        }
    }

    /// <summary>Python slicing with negative indices and steps.</summary>
    public static object? Slice(object? target, long? start, long? stop, long? step)
    {
        var items = target switch
        {
            List<object?> l => l,
            string s => Evaluator.StringChars(s),
            Undefined => [],
            _ => throw new InvalidOperationException($"'{Py.TypeName(target)}' object is not subscriptable"),
        };
        var n = (long)items.Count;
        var st = step ?? 1;
        if (st == 0) throw new InvalidOperationException("slice step cannot be zero");
        long Clamp(long? v, long def, long lo, long hi)
        {
            if (v is null) return def;
            var x = v.Value < 0 ? v.Value + n : v.Value;
            return Math.Clamp(x, lo, hi);
        }
        var result = new List<object?>();
        if (st > 0)
        {
            var a = Clamp(start, 0, 0, n);
            var b = Clamp(stop, n, 0, n);
            for (var i = a; i < b; i += st) result.Add(items[(int)i]);
        }
        else
        {
            var a = Clamp(start, n - 1, -1, n - 1);
            var b = Clamp(stop, -1, -1, n - 1);
            for (var i = a; i > b; i += st) result.Add(items[(int)i]);
        }
        return target is string ? string.Concat(result.Cast<string>()) : result;
    }

    // ---- operators ----

    public static object? Binary(string op, object? left, object? right, int line)
    {
        if (op == "~") return Py.Str(left) + Py.Str(right);
        if (left is Undefined || right is Undefined)
            throw new TemplateException($"Cannot apply '{op}' to an undefined value ('{((left as Undefined) ?? (Undefined)right!).Name}')", line);
        if (Py.IsNumber(left) && Py.IsNumber(right))
        {
            if (left is double || right is double || op is "/" || op == "**" && Py.ToDouble(right) < 0)
            {
                var a = Py.ToDouble(left);
                var b = Py.ToDouble(right);
                return op switch
                {
                    "+" => a + b,
                    "-" => a - b,
                    "*" => a * b,
                    "/" => b == 0 ? throw new TemplateException("division by zero", line) : a / b,
                    "//" => b == 0 ? throw new TemplateException("division by zero", line) : Math.Floor(a / b),
                    "%" => b == 0 ? throw new TemplateException("modulo by zero", line) : a - b * Math.Floor(a / b),
                    "**" => Math.Pow(a, b),
                    _ => throw new TemplateException($"Unknown operator '{op}'", line),
                };
            }
            var x = left is bool lb ? (lb ? 1L : 0L) : (long)left!;
            var y = right is bool rb ? (rb ? 1L : 0L) : (long)right!;
            return op switch
            {
                "+" => checked(x + y),
                "-" => checked(x - y),
                "*" => checked(x * y),
                "//" => y == 0 ? throw new TemplateException("integer division by zero", line) : FloorDiv(x, y),
                "%" => y == 0 ? throw new TemplateException("integer modulo by zero", line) : x - y * FloorDiv(x, y),
                "**" => checked((long)Math.Pow(x, y)),
                _ => throw new TemplateException($"Unknown operator '{op}'", line),
            };
        }
        switch (op, left, right)
        {
            case ("+", string a, string b): return a + b;
            case ("+", List<object?> a, List<object?> b): return a.Concat(b).ToList();
            case ("*", string s, long n): return string.Concat(Enumerable.Repeat(s, (int)Math.Max(0, n)));
            case ("*", List<object?> l, long n): return Enumerable.Repeat(l, (int)Math.Max(0, n)).SelectMany(x => x).ToList();
        }
        throw new TemplateException($"unsupported operand types for {op}: '{Py.TypeName(left)}' and '{Py.TypeName(right)}'", line);
    }

    static long FloorDiv(long x, long y)
    {
        var q = x / y;
        return (x % y != 0 && (x < 0) != (y < 0)) ? q - 1 : q;
    }

    public static bool Compare(string op, object? left, object? right, int line)
    {
        switch (op)
        {
            case "==": return Py.Equals(left, right);
            case "!=": return !Py.Equals(left, right);
            case "in": return Contains(right, left, line);
            case "not in": return !Contains(right, left, line);
        }
        int c;
        try
        {
            c = Py.Compare(left, right);
        }
        catch (InvalidOperationException e)
        {
            throw new TemplateException($"'{op}' {e.Message}", line);
        }
        return op switch { "<" => c < 0, ">" => c > 0, "<=" => c <= 0, ">=" => c >= 0, _ => throw new TemplateException($"Unknown operator '{op}'", line) };
    }

    static bool Contains(object? container, object? item, int line) => container switch
    {
        string s when item is string sub => s.Contains(sub, StringComparison.Ordinal),
        string => throw new TemplateException($"'in <string>' requires a string on the left, not {Py.TypeName(item)}", line),
        List<object?> l => l.Any(x => Py.Equals(x, item)),
        Dictionary<string, object?> d => item is string k && d.ContainsKey(k),
        Namespace ns => item is string k2 && ns.Values.ContainsKey(k2),
        Undefined => false,
        _ => throw new TemplateException($"argument of type '{Py.TypeName(container)}' is not iterable", line),
    };

    // ---- tests ----

    public static bool Test(string name, object? v, List<object?> args, int line)
    {
        object? Arg() => args.Count > 0 ? args[0] : throw new TemplateException($"test '{name}' needs an argument", line);
        return name switch
        {
            "defined" => v is not Undefined,
            "undefined" => v is Undefined,
            "none" => v is null,
            "string" => v is string,
            "number" => v is long or double,
            "integer" => v is long,
            "float" => v is double,
            "boolean" => v is bool,
            "true" => v is true,
            "false" => v is false,
            "mapping" => v is Dictionary<string, object?>,
            "sequence" => v is string or List<object?> or Dictionary<string, object?>,
            "iterable" => v is string or List<object?> or Dictionary<string, object?>,
            "callable" => v is FunctionValue,
            "odd" => v is long l1 ? Math.Abs(l1 % 2) == 1 : throw new TemplateException("test 'odd' needs an integer", line),
            "even" => v is long l2 ? l2 % 2 == 0 : throw new TemplateException("test 'even' needs an integer", line),
            "divisibleby" => v is long l3 && Arg() is long d && d != 0 ? l3 % d == 0 : throw new TemplateException("test 'divisibleby' needs integers", line),
            "equalto" or "eq" or "==" or "sameas" => Py.Equals(v, Arg()),
            "ne" or "!=" => !Py.Equals(v, Arg()),
            "lt" or "lessthan" or "<" => Compare("<", v, Arg(), line),
            "le" or "<=" => Compare("<=", v, Arg(), line),
            "gt" or "greaterthan" or ">" => Compare(">", v, Arg(), line),
            "ge" or ">=" => Compare(">=", v, Arg(), line),
            "in" => Compare("in", v, Arg(), line),
            "lower" => v is string s1 && s1 == s1.ToLowerInvariant(),
            "upper" => v is string s2 && s2 == s2.ToUpperInvariant(),
            _ => throw new TemplateException($"Unsupported test 'is {name}'", line),
        };
    }

    // ---- filters ----

    public static object? Filter(string name, object? v, CallArgs a, int line)
    {
        switch (name)
        {
            case "trim": return Strip(Py.Str(v), a.Get(0, "chars") as string, true, true);
            case "length" or "count": return Length(v);
            case "tojson":
                return Py.ToJson(v, a.Get(0, "indent") switch { long n => (int)n, null => null, var o => throw new ArgumentException($"indent must be an integer, got {Py.TypeName(o)}") });
            case "upper": return Py.Str(v).ToUpperInvariant();
            case "lower": return Py.Str(v).ToLowerInvariant();
            case "title": return TitleFilter(Py.Str(v));
            case "capitalize": return Capitalize(Py.Str(v));
            case "replace":
                return Replace(Py.Str(v), Py.Str(a.Get(0, "old")), Py.Str(a.Get(1, "new")), a.Get(2, "count") as long?);
            case "join":
            {
                var sep = Py.Str(a.Get(0, "d", ""));
                var attribute = a.Get(1, "attribute") as string;
                var items = AsList(v);
                if (attribute is not null) items = items.Select(x => GetItem(x, attribute)).ToList();
                return string.Join(sep, items.Select(Py.Str));
            }
            case "first": { var l = AsList(v); return l.Count > 0 ? l[0] : new Undefined("first"); }
            case "last": { var l = AsList(v); return l.Count > 0 ? l[^1] : new Undefined("last"); }
            case "list": return AsList(v);
            case "reverse": { var l = AsList(v); l.Reverse(); return v is string ? string.Concat(l.Cast<string>()) : l; }
            case "default" or "d":
            {
                var useDefault = v is Undefined || (Py.Truthy(a.Get(1, "boolean", false)) && !Py.Truthy(v));
                return useDefault ? a.Get(0, "default_value", "") : v;
            }
            case "string": return Py.Str(v);
            case "int": return ToInt(v, a.Get(0, "default", 0L));
            case "float": return ToFloat(v, a.Get(0, "default", 0.0));
            case "abs":
                return v switch { long l => (object)Math.Abs(l), double d => Math.Abs(d), bool b => b ? 1L : 0L, _ => throw new ArgumentException($"bad operand type for abs(): '{Py.TypeName(v)}'") };
            case "round":
            {
                var precision = (int)(a.Get(0, "precision", 0L) as long? ?? 0);
                var method = a.Get(1, "method", "common") as string;
                var d = Py.ToDouble(v);
                var factor = Math.Pow(10, precision);
                return method switch
                {
                    "ceil" => Math.Ceiling(d * factor) / factor,
                    "floor" => Math.Floor(d * factor) / factor,
                    _ => Math.Round(d * factor, MidpointRounding.AwayFromZero) / factor,
                };
            }
            case "items":
                return v switch
                {
                    Dictionary<string, object?> d => d.Select(kv => (object?)new List<object?> { kv.Key, kv.Value }).ToList(),
                    Undefined => new List<object?>(),
                    _ => throw new ArgumentException($"can only get item pairs from a mapping, not {Py.TypeName(v)}"),
                };
            case "unique":
            {
                var caseSensitive = Py.Truthy(a.Get(0, "case_sensitive", false));
                var attribute = a.Get(1, "attribute") as string;
                var seen = new List<object?>();
                var result = new List<object?>();
                foreach (var item in AsList(v))
                {
                    var key = attribute is null ? item : GetItem(item, attribute);
                    if (!caseSensitive && key is string s) key = s.ToLowerInvariant();
                    if (seen.Any(x => Py.Equals(x, key))) continue;
                    seen.Add(key);
                    result.Add(item);
                }
                return result;
            }
            case "safe" or "e" or "escape" or "forceescape":
                return name == "safe" ? v : Py.Str(v).Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
                    .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&#34;", StringComparison.Ordinal).Replace("'", "&#39;", StringComparison.Ordinal);
            case "indent": return Indent(Py.Str(v), a);
            case "selectattr" or "rejectattr":
            {
                var attribute = Py.Str(a.Get(0, "attribute"));
                var keep = name == "selectattr";
                return AsList(v).Where(item => SelectTest(GetItem(item, attribute), a, 1, line) == keep).ToList();
            }
            case "select" or "reject":
            {
                var keep = name == "select";
                return AsList(v).Where(item => SelectTest(item, a, 0, line) == keep).ToList();
            }
            case "map":
            {
                if (a.Keyword.TryGetValue("attribute", out var attr))
                {
                    var hasDefault = a.Keyword.TryGetValue("default", out var def);
                    return AsList(v).Select(item =>
                    {
                        var x = GetItem(item, Py.Str(attr));
                        return x is Undefined && hasDefault ? def : x;
                    }).ToList();
                }
                var filterName = a.Positional.Count > 0 ? Py.Str(a.Positional[0]) : throw new ArgumentException("map needs a filter name or attribute=");
                var rest = new CallArgs(a.Positional.Skip(1).ToList(), a.Keyword);
                return AsList(v).Select(item => Filter(filterName, item, rest, line)).ToList();
            }
            case "sort":
            {
                var reverse = Py.Truthy(a.Get(0, "reverse", false));
                var caseSensitive = Py.Truthy(a.Get(1, "case_sensitive", false));
                var attribute = a.Get(2, "attribute") as string;
                object? Key(object? x)
                {
                    var k = attribute is null ? x : GetItem(x, attribute);
                    return !caseSensitive && k is string s ? s.ToLowerInvariant() : k;
                }
                var sorted = AsList(v).Select((x, i) => (x, i)).ToList();
                sorted.Sort((p, q) => { var c = Py.Compare(Key(p.x), Key(q.x)); return c != 0 ? (reverse ? -c : c) : p.i.CompareTo(q.i); });
                return sorted.Select(p => p.x).ToList();
            }
            case "sum":
            {
                var attribute = a.Get(0, "attribute") as string;
                object? total = a.Get(1, "start", 0L);
                foreach (var item in AsList(v)) total = Binary("+", total, attribute is null ? item : GetItem(item, attribute), line);
                return total;
            }
            case "min" or "max":
            {
                var l = AsList(v);
                if (l.Count == 0) return new Undefined(name);
                var best = l[0];
                foreach (var x in l.Skip(1))
                    if (name == "min" ? Py.Compare(x, best) < 0 : Py.Compare(x, best) > 0) best = x;
                return best;
            }
            case "wordcount": return (long)Py.Str(v).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
            case "dictsort":
                return v is Dictionary<string, object?> dd
                    ? dd.OrderBy(kv => kv.Key.ToLowerInvariant(), StringComparer.Ordinal).Select(kv => (object?)new List<object?> { kv.Key, kv.Value }).ToList()
                    : throw new ArgumentException($"dictsort needs a mapping, not {Py.TypeName(v)}");
            default:
                throw new TemplateException($"Unsupported filter '{name}'", line);
        }
    }

    static bool SelectTest(object? value, CallArgs a, int testIndex, int line)
    {
        if (a.Positional.Count <= testIndex) return Py.Truthy(value);
        var test = Py.Str(a.Positional[testIndex]);
        return Test(test, value, a.Positional.Skip(testIndex + 1).ToList(), line);
    }

    static object Length(object? v) => v switch
    {
        string s => (long)Evaluator.StringChars(s).Count,
        List<object?> l => (long)l.Count,
        Dictionary<string, object?> d => (long)d.Count,
        Namespace ns => (long)ns.Values.Count,
        Undefined => 0L,
        _ => throw new ArgumentException($"object of type '{Py.TypeName(v)}' has no len()"),
    };

    static List<object?> AsList(object? v) => v switch
    {
        List<object?> l => [.. l],
        string s => Evaluator.StringChars(s),
        Dictionary<string, object?> d => d.Keys.Cast<object?>().ToList(),
        Undefined => [],
        _ => throw new ArgumentException($"'{Py.TypeName(v)}' object is not iterable"),
    };

    static object? ToInt(object? v, object? fallback)
    {
        switch (v)
        {
            case long: return v;
            case bool b: return b ? 1L : 0L;
            case double d when !double.IsNaN(d) && !double.IsInfinity(d): return (long)Math.Truncate(d);
            case string s:
                var t = s.Trim().Replace("_", "", StringComparison.Ordinal);
                if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return l;
                if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && !double.IsInfinity(f) && !double.IsNaN(f))
                    return (long)Math.Truncate(f);
                return fallback;
            default: return fallback;
        }
    }

    static object? ToFloat(object? v, object? fallback) => v switch
    {
        long l => (double)l,
        double => v,
        bool b => b ? 1.0 : 0.0,
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => fallback,
    };

    static string Indent(string s, CallArgs a)
    {
        var width = a.Get(0, "width", 4L);
        var indention = width is string w ? w : new string(' ', (int)(width as long? ?? 4));
        var first = Py.Truthy(a.Get(1, "first", false));
        var blank = Py.Truthy(a.Get(2, "blank", false));
        var lines = SplitLines(s + "\n");
        string rv;
        if (blank) rv = string.Join("\n" + indention, lines);
        else
        {
            rv = lines.Count > 0 ? lines[0] : "";
            if (lines.Count > 1) rv += "\n" + string.Join("\n", lines.Skip(1).Select(l => l.Length > 0 ? indention + l : l));
        }
        return first ? indention + rv : rv;
    }

    /// <summary>Python str.splitlines() for \n, \r\n and \r.</summary>
    static List<string> SplitLines(string s)
    {
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] is not ('\n' or '\r')) continue;
            lines.Add(s[start..i]);
            if (s[i] == '\r' && i + 1 < s.Length && s[i + 1] == '\n') i++;
            start = i + 1;
        }
        if (start < s.Length) lines.Add(s[start..]);
        return lines;
    }

    /// <summary>Jinja's title filter: upper-case the first letter of each word (words start after whitespace, - or brackets).</summary>
    static string TitleFilter(string s)
    {
        var sb = new StringBuilder(s.Length);
        var startOfWord = true;
        foreach (var c in s)
        {
            sb.Append(startOfWord ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
            startOfWord = char.IsWhiteSpace(c) || c is '-' or '(' or '{' or '[' or '<';
        }
        return sb.ToString();
    }

    /// <summary>Python str.title(): a letter after a non-letter starts a word.</summary>
    static string PyTitle(string s)
    {
        var sb = new StringBuilder(s.Length);
        var prevLetter = false;
        foreach (var c in s)
        {
            sb.Append(prevLetter ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            prevLetter = char.IsLetter(c);
        }
        return sb.ToString();
    }

    static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    static string Replace(string s, string old, string replacement, long? count)
    {
        if (count is null or < 0) return old.Length == 0 ? InsertEverywhere(s, replacement) : s.Replace(old, replacement, StringComparison.Ordinal);
        var sb = new StringBuilder();
        var pos = 0;
        for (var n = 0; n < count; n++)
        {
            var i = s.IndexOf(old, pos, StringComparison.Ordinal);
            if (i < 0 || old.Length == 0) break;
            sb.Append(s, pos, i - pos).Append(replacement);
            pos = i + old.Length;
        }
        return sb.Append(s, pos, s.Length - pos).ToString();
    }

    static string InsertEverywhere(string s, string r) => r + string.Concat(Evaluator.StringChars(s).Select(c => (string)c! + r));

    static string Strip(string s, string? chars, bool left, bool right)
    {
        if (chars is null) return left && right ? s.Trim() : left ? s.TrimStart() : s.TrimEnd();
        var set = chars.ToCharArray();
        return left && right ? s.Trim(set) : left ? s.TrimStart(set) : s.TrimEnd(set);
    }

    // ---- methods ----

    static FunctionValue? Method(object? target, string name) => target switch
    {
        string s => StringMethod(s, name),
        Dictionary<string, object?> d => DictMethod(d, name),
        _ => null,
    };

    static FunctionValue? StringMethod(string s, string name) => name switch
    {
        "strip" => new(name, a => Strip(s, a.Get(0, "chars") as string, true, true)),
        "lstrip" => new(name, a => Strip(s, a.Get(0, "chars") as string, true, false)),
        "rstrip" => new(name, a => Strip(s, a.Get(0, "chars") as string, false, true)),
        "upper" => new(name, _ => s.ToUpperInvariant()),
        "lower" => new(name, _ => s.ToLowerInvariant()),
        "title" => new(name, _ => PyTitle(s)),
        "capitalize" => new(name, _ => Capitalize(s)),
        "replace" => new(name, a => Replace(s, Py.Str(a.Get(0, "old")), Py.Str(a.Get(1, "new")), a.Get(2, "count") as long?)),
        "startswith" => new(name, a => Affix(a.Get(0, "prefix"), p => s.StartsWith(p, StringComparison.Ordinal))),
        "endswith" => new(name, a => Affix(a.Get(0, "suffix"), p => s.EndsWith(p, StringComparison.Ordinal))),
        "split" => new(name, a => Split(s, a.Get(0, "sep") as string, a.Get(1, "maxsplit", -1L) as long? ?? -1)),
        "join" => new(name, a => string.Join(s, AsList(a.Get(0, "iterable")).Select(Py.Str))),
        "find" => new(name, a => (long)s.IndexOf(Py.Str(a.Get(0, "sub")), StringComparison.Ordinal)),
        "count" => new(name, a => { var sub = Py.Str(a.Get(0, "sub")); return sub.Length == 0 ? (long)s.Length + 1 : (long)((s.Length - s.Replace(sub, "", StringComparison.Ordinal).Length) / sub.Length); }),
        "isdigit" => new(name, _ => s.Length > 0 && s.All(char.IsDigit)),
        "isspace" => new(name, _ => s.Length > 0 && s.All(char.IsWhiteSpace)),
        "format" => new(name, a => Format(s, a)),
        _ => null,
    };

    static bool Affix(object? arg, Func<string, bool> test) => arg switch
    {
        string p => test(p),
        List<object?> l => l.Any(x => x is string p && test(p)),
        _ => throw new ArgumentException($"startswith/endswith arg must be str or a tuple of str, not {Py.TypeName(arg)}"),
    };

    static List<object?> Split(string s, string? sep, long maxsplit)
    {
        var parts = new List<object?>();
        if (sep is null)
        {
            var i = 0;
            while (true)
            {
                while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
                if (i >= s.Length) break;
                if (maxsplit >= 0 && parts.Count == maxsplit) { parts.Add(s[i..].TrimEnd()); break; }
                var start = i;
                while (i < s.Length && !char.IsWhiteSpace(s[i])) i++;
                parts.Add(s[start..i]);
            }
            return parts;
        }
        if (sep.Length == 0) throw new ArgumentException("empty separator");
        var pos = 0;
        while (maxsplit < 0 || parts.Count < maxsplit)
        {
            var j = s.IndexOf(sep, pos, StringComparison.Ordinal);
            if (j < 0) break;
            parts.Add(s[pos..j]);
            pos = j + sep.Length;
        }
        parts.Add(s[pos..]);
        return parts;
    }

    /// <summary>str.format with {}, {0} and {name} fields (no format specs).</summary>
    static string Format(string s, CallArgs a)
    {
        var sb = new StringBuilder();
        var auto = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '{' && i + 1 < s.Length && s[i + 1] == '{') { sb.Append('{'); i++; continue; }
            if (c == '}' && i + 1 < s.Length && s[i + 1] == '}') { sb.Append('}'); i++; continue; }
            if (c != '{') { sb.Append(c); continue; }
            var close = s.IndexOf('}', i);
            if (close < 0) throw new ArgumentException("Single '{' encountered in format string");
            var field = s[(i + 1)..close];
            if (field.Contains(':') || field.Contains('!')) throw new ArgumentException($"format specs are not supported: '{{{field}}}'");
            object? value = field.Length == 0 ? a.Positional[auto++]
                : int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var idx) ? a.Positional[idx]
                : a.Keyword.TryGetValue(field, out var kv) ? kv : throw new ArgumentException($"format field '{field}' not given");
            sb.Append(Py.Str(value));
            i = close;
        }
        return sb.ToString();
    }

    static FunctionValue? DictMethod(Dictionary<string, object?> d, string name) => name switch
    {
        "get" => new(name, a => a.Get(0, "key") is string k && d.TryGetValue(k, out var v) ? v : a.Get(1, "default")),
        "items" => new(name, _ => d.Select(kv => (object?)new List<object?> { kv.Key, kv.Value }).ToList()),
        "keys" => new(name, _ => d.Keys.Cast<object?>().ToList()),
        "values" => new(name, _ => d.Values.ToList()),
        _ => null,
    };

    // ---- globals ----

    public static void AddGlobals(Scope scope, Func<DateTime> now)
    {
        scope.Set("raise_exception", new FunctionValue("raise_exception", a =>
            throw new TemplateException(Py.Str(a.Get(0, "message", "")), raisedByTemplate: true)));
        scope.Set("namespace", new FunctionValue("namespace", a =>
        {
            var ns = new Namespace();
            if (a.Positional.Count > 0)
            {
                if (a.Positional[0] is not Dictionary<string, object?> init) throw new ArgumentException("namespace() takes a mapping or keyword arguments");
                foreach (var kv in init) ns.Values[kv.Key] = kv.Value;
            }
            foreach (var kv in a.Keyword) ns.Values[kv.Key] = kv.Value;
            return ns;
        }));
        scope.Set("range", new FunctionValue("range", a =>
        {
            var p = a.Positional.Select(x => x is long l ? l : throw new ArgumentException("range() arguments must be integers")).ToList();
            var (start, stop, step) = p.Count switch
            {
                1 => (0L, p[0], 1L),
                2 => (p[0], p[1], 1L),
                3 => (p[0], p[1], p[2]),
                _ => throw new ArgumentException("range() takes 1 to 3 arguments"),
            };
            if (step == 0) throw new ArgumentException("range() step must not be zero");
            var list = new List<object?>();
            for (var i = start; step > 0 ? i < stop : i > stop; i += step)
            {
                if (list.Count > 1_000_000) throw new ArgumentException("range() is too long");
                list.Add(i);
            }
            return list;
        }));
        scope.Set("dict", new FunctionValue("dict", a => new Dictionary<string, object?>(a.Keyword, StringComparer.Ordinal)));
        scope.Set("strftime_now", new FunctionValue("strftime_now", a => StrFTime(now(), Py.Str(a.Get(0, "format")))));
    }

    /// <summary>The strftime codes chat templates use (dates in system prompts), in the invariant culture.</summary>
    internal static string StrFTime(DateTime t, string format)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length) { sb.Append(format[i]); continue; }
            var code = format[++i];
            sb.Append(code switch
            {
                'd' => t.ToString("dd", inv),
                'm' => t.ToString("MM", inv),
                'Y' => t.ToString("yyyy", inv),
                'y' => t.ToString("yy", inv),
                'B' => t.ToString("MMMM", inv),
                'b' => t.ToString("MMM", inv),
                'A' => t.ToString("dddd", inv),
                'a' => t.ToString("ddd", inv),
                'H' => t.ToString("HH", inv),
                'I' => t.ToString("hh", inv),
                'M' => t.ToString("mm", inv),
                'S' => t.ToString("ss", inv),
                'p' => t.Hour < 12 ? "AM" : "PM",
                'j' => t.DayOfYear.ToString("000", inv),
                '%' => "%",
                _ => throw new ArgumentException($"strftime code '%{code}' is not supported"),
            });
        }
        return sb.ToString();
    }
}
