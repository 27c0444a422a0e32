using System.Text;

namespace BioEval.Models.Templates;

/// <summary>Variables visible at one point: a for-loop body or macro call opens a child scope, as in Jinja.</summary>
internal sealed class Scope(Scope? parent)
{
    readonly Dictionary<string, object?> _vars = new(StringComparer.Ordinal);

    public Scope? Parent { get; } = parent;

    public bool TryGet(string name, out object? value)
    {
        for (var s = this; s is not null; s = s.Parent)
            if (s._vars.TryGetValue(name, out value)) return true;
        value = null;
        return false;
    }

    public void Set(string name, object? value) => _vars[name] = value;
}

/// <summary>Tree-walking renderer. Every runtime failure becomes a <see cref="TemplateException"/> naming its line.</summary>
internal sealed class Evaluator
{
    enum Flow { Normal, Break, Continue }

    const int MaxOutputChars = 64 * 1024 * 1024;

    public static string Render(List<Node> body, Scope globals)
    {
        var sb = new StringBuilder();
        var flow = new Evaluator().Exec(body, globals, sb);
        if (flow != Flow.Normal) throw new TemplateException("'break'/'continue' outside a for loop");
        return sb.ToString();
    }

    Flow Exec(List<Node> nodes, Scope scope, StringBuilder sb)
    {
        foreach (var node in nodes)
        {
            var flow = ExecNode(node, scope, sb);
            if (flow != Flow.Normal) return flow;
            if (sb.Length > MaxOutputChars) throw new TemplateException("Rendered output exceeds 64M characters", node.Line);
        }
        return Flow.Normal;
    }

    Flow ExecNode(Node node, Scope scope, StringBuilder sb)
    {
        switch (node)
        {
            case TextNode t:
                sb.Append(t.Text);
                return Flow.Normal;
            case OutputNode o:
                sb.Append(Py.Str(Eval(o.Value, scope)));
                return Flow.Normal;
            case IfNode i:
                foreach (var (condition, body) in i.Branches)
                    if (Py.Truthy(Eval(condition, scope))) return Exec(body, scope, sb);
                return i.Else is null ? Flow.Normal : Exec(i.Else, scope, sb);
            case ForNode f:
                return ExecFor(f, scope, sb);
            case SetNode s:
            {
                object? value;
                if (s.Value is not null) value = Eval(s.Value, scope);
                else
                {
                    var inner = new StringBuilder();
                    Exec(s.Body!, scope, inner);
                    value = inner.ToString();
                }
                Assign(s.Target, value, scope, s.Line);
                return Flow.Normal;
            }
            case MacroNode m:
                scope.Set(m.Name, MakeMacro(m, scope));
                return Flow.Normal;
            case FilterBlockNode fb:
            {
                var inner = new StringBuilder();
                Exec(fb.Body, scope, inner);
                sb.Append(Py.Str(ApplyFilter(fb.Filter, inner.ToString(), scope)));
                return Flow.Normal;
            }
            case BreakNode: return Flow.Break;
            case ContinueNode: return Flow.Continue;
            default: throw new TemplateException($"Unsupported node {node.GetType().Name}", node.Line);
        }
    }

    Flow ExecFor(ForNode f, Scope scope, StringBuilder sb)
    {
        var source = Eval(f.Iterable, scope);
        var items = Iterate(source, f.Line);
        if (f.Filter is not null)
        {
            items = items.Where(item =>
            {
                var probe = new Scope(scope);
                Assign(f.Target, item, probe, f.Line);
                return Py.Truthy(Eval(f.Filter, probe));
            }).ToList();
        }
        if (items.Count == 0)
            return f.Else is null ? Flow.Normal : Exec(f.Else, scope, sb);
        var loop = new Dictionary<string, object?>(StringComparer.Ordinal) { ["length"] = (long)items.Count, ["depth"] = 1L, ["depth0"] = 0L };
        for (var i = 0; i < items.Count; i++)
        {
            var index = i;
            var body = new Scope(scope);
            Assign(f.Target, items[i], body, f.Line);
            loop["index"] = (long)(i + 1);
            loop["index0"] = (long)i;
            loop["revindex"] = (long)(items.Count - i);
            loop["revindex0"] = (long)(items.Count - i - 1);
            loop["first"] = i == 0;
            loop["last"] = i == items.Count - 1;
            loop["previtem"] = i > 0 ? items[i - 1] : new Undefined("loop.previtem");
            loop["nextitem"] = i + 1 < items.Count ? items[i + 1] : new Undefined("loop.nextitem");
            loop["cycle"] = new FunctionValue("loop.cycle", a =>
                a.Positional.Count == 0 ? throw new InvalidOperationException("loop.cycle needs at least one argument") : a.Positional[index % a.Positional.Count]);
            body.Set("loop", loop);
            if (Exec(f.Body, body, sb) == Flow.Break) break;
        }
        return Flow.Normal;
    }

    static List<object?> Iterate(object? value, int line) => value switch
    {
        List<object?> l => [.. l],
        Dictionary<string, object?> d => d.Keys.Cast<object?>().ToList(),
        string s => StringChars(s),
        Undefined => [],
        Namespace ns => ns.Values.Keys.Cast<object?>().ToList(),
        _ => throw new TemplateException($"'{Py.TypeName(value)}' object is not iterable", line),
    };

    internal static List<object?> StringChars(string s)
    {
        var list = new List<object?>();
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { list.Add(s.Substring(i, 2)); i++; }
            else list.Add(s[i].ToString());
        }
        return list;
    }

    void Assign(Expr target, object? value, Scope scope, int line)
    {
        switch (target)
        {
            case NameExpr n:
                scope.Set(n.Name, value);
                break;
            case AttrExpr { Target: NameExpr ns } a:
                if (!scope.TryGet(ns.Name, out var obj) || obj is not Namespace space)
                    throw new TemplateException($"Cannot assign attribute '{a.Name}' on '{ns.Name}': only namespace() objects accept attribute assignment", line);
                space.Values[a.Name] = value;
                break;
            case TupleExpr t:
            {
                var values = value switch
                {
                    List<object?> l => l,
                    string s => StringChars(s),
                    _ => throw new TemplateException($"Cannot unpack '{Py.TypeName(value)}' into {t.Items.Count} names", line),
                };
                if (values.Count != t.Items.Count)
                    throw new TemplateException($"Cannot unpack {values.Count} values into {t.Items.Count} names", line);
                for (var i = 0; i < values.Count; i++) Assign(t.Items[i], values[i], scope, line);
                break;
            }
            default:
                throw new TemplateException("Unsupported assignment target", line);
        }
    }

    FunctionValue MakeMacro(MacroNode m, Scope defining) => new(m.Name, args =>
    {
        var scope = new Scope(defining);
        for (var i = 0; i < m.Parameters.Count; i++)
        {
            var (name, def) = m.Parameters[i];
            object? value = args.Has(i, name) ? args.Get(i, name) : def is null ? new Undefined(name) : Eval(def, scope);
            scope.Set(name, value);
        }
        scope.Set("varargs", args.Positional.Skip(m.Parameters.Count).ToList());
        scope.Set("kwargs", args.Keyword.Where(kv => m.Parameters.All(p => p.Name != kv.Key))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal));
        var sb = new StringBuilder();
        Exec(m.Body, scope, sb);
        return sb.ToString();
    });

    // ---- expressions ----

    public object? Eval(Expr expr, Scope scope)
    {
        try
        {
            return EvalCore(expr, scope);
        }
        catch (TemplateException)
        {
            throw;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException
                                      or DivideByZeroException or IndexOutOfRangeException or InvalidCastException)
        {
            throw new TemplateException(e.Message, expr.Line, inner: e);
        }
    }

    object? EvalCore(Expr expr, Scope scope)
    {
        switch (expr)
        {
            case LiteralExpr l: return l.Value;
            case NameExpr n: return scope.TryGet(n.Name, out var v) ? v : new Undefined(n.Name);
            case ListExpr l: return l.Items.Select(i => Eval(i, scope)).ToList();
            case TupleExpr t: return t.Items.Select(i => Eval(i, scope)).ToList();
            case DictExpr d:
            {
                var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (k, val) in d.Pairs)
                {
                    var key = Eval(k, scope) as string ?? throw new TemplateException("Dictionary literal keys must be strings", k.Line);
                    dict[key] = Eval(val, scope);
                }
                return dict;
            }
            case AttrExpr a: return Builtins.GetAttribute(Eval(a.Target, scope), a.Name);
            case IndexExpr i: return Builtins.GetItem(Eval(i.Target, scope), Eval(i.Index, scope));
            case SliceExpr s:
                return Builtins.Slice(Eval(s.Target, scope), OptInt(s.Start, scope), OptInt(s.Stop, scope), OptInt(s.Step, scope));
            case CallExpr c:
            {
                var fn = Eval(c.Function, scope);
                var args = EvalArgs(c.Args, c.Kwargs, scope);
                return fn switch
                {
                    FunctionValue f => f.Invoke(args),
                    Undefined u => throw new TemplateException($"'{u.Name}' is undefined and cannot be called", c.Line),
                    _ => throw new TemplateException($"'{Py.TypeName(fn)}' object is not callable", c.Line),
                };
            }
            case FilterExpr f: return ApplyFilter(f, Eval(f.Target!, scope), scope);
            case TestExpr t:
            {
                var result = Builtins.Test(t.Name, Eval(t.Target, scope), t.Args.Select(a => Eval(a, scope)).ToList(), t.Line);
                return t.Negated ? !result : result;
            }
            case UnaryExpr u:
            {
                var operand = Eval(u.Operand, scope);
                return u.Op switch
                {
                    "not" => !Py.Truthy(operand),
                    "-" => operand switch
                    {
                        long l => (object)(-l),
                        double d => -d,
                        bool b => b ? -1L : 0L,
                        _ => throw new TemplateException($"bad operand type for unary -: '{Py.TypeName(operand)}'", u.Line),
                    },
                    _ => Py.IsNumber(operand) ? operand is bool b2 ? (b2 ? 1L : 0L) : operand
                        : throw new TemplateException($"bad operand type for unary +: '{Py.TypeName(operand)}'", u.Line),
                };
            }
            case BinaryExpr b:
            {
                var left = Eval(b.Left, scope);
                if (b.Op == "and") return Py.Truthy(left) ? Eval(b.Right, scope) : left;
                if (b.Op == "or") return Py.Truthy(left) ? left : Eval(b.Right, scope);
                return Builtins.Binary(b.Op, left, Eval(b.Right, scope), b.Line);
            }
            case CompareExpr c:
            {
                var left = Eval(c.First, scope);
                foreach (var (op, operandExpr) in c.Rest)
                {
                    var right = Eval(operandExpr, scope);
                    if (!Builtins.Compare(op, left, right, c.Line)) return false;
                    left = right;
                }
                return true;
            }
            case CondExpr c:
                return Py.Truthy(Eval(c.Condition, scope)) ? Eval(c.Then, scope)
                    : c.Else is null ? new Undefined("<conditional>") : Eval(c.Else, scope);
            default:
                throw new TemplateException($"Unsupported expression {expr.GetType().Name}", expr.Line);
        }
    }

    long? OptInt(Expr? e, Scope scope)
    {
        if (e is null) return null;
        return Eval(e, scope) switch
        {
            null or Undefined => null,
            long l => l,
            bool b => b ? 1 : 0,
            var other => throw new TemplateException($"slice indices must be integers or None, not {Py.TypeName(other)}", e.Line),
        };
    }

    CallArgs EvalArgs(List<Expr> args, List<(string Name, Expr Value)> kwargs, Scope scope)
    {
        var kw = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in kwargs) kw[name] = Eval(value, scope);
        return new CallArgs(args.Select(a => Eval(a, scope)).ToList(), kw);
    }

    object? ApplyFilter(FilterExpr f, object? value, Scope scope)
    {
        var args = EvalArgs(f.Args, f.Kwargs, scope);
        try
        {
            return Builtins.Filter(f.Name, value, args, f.Line);
        }
        catch (TemplateException) { throw; }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            throw new TemplateException($"filter '{f.Name}': {e.Message}", f.Line, inner: e);
        }
    }
}
