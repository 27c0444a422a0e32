namespace BioEval.Models.Templates;

/// <summary>
/// Recursive-descent parser for the Jinja subset chat templates use, with Jinja's operator precedence:
/// ternary &lt; or &lt; and &lt; not &lt; comparisons/in/is &lt; + - &lt; ~ &lt; * / // % &lt; ** &lt; unary, filters, postfix.
/// </summary>
internal sealed class Parser(List<Token> tokens)
{
    int _pos;

    Token Current => tokens[_pos];
    Token Peek(int ahead = 1) => tokens[Math.Min(_pos + ahead, tokens.Count - 1)];

    public static List<Node> Parse(string source)
    {
        var parser = new Parser(Lexer.Tokenize(source));
        return parser.ParseBody([]);
    }

    // ---- statements ----

    List<Node> ParseBody(string[] endKeywords)
    {
        var nodes = new List<Node>();
        while (true)
        {
            var t = Current;
            switch (t.Kind)
            {
                case TokenKind.End:
                    if (endKeywords.Length > 0)
                        throw new TemplateException($"Unexpected end of template: missing {{% {endKeywords[^1]} %}}", t.Line);
                    return nodes;
                case TokenKind.Text:
                    nodes.Add(new TextNode(t.Value, t.Line));
                    _pos++;
                    break;
                case TokenKind.ExprOpen:
                    _pos++;
                    var e = ParseExpression(allowTuple: true);
                    Expect(TokenKind.ExprClose, "}}");
                    nodes.Add(new OutputNode(e, t.Line));
                    break;
                case TokenKind.StmtOpen:
                    var keyword = Peek();
                    if (keyword.Kind == TokenKind.Name && endKeywords.Contains(keyword.Value)) return nodes;
                    _pos++;
                    var stmt = ParseStatement();
                    if (stmt is not null) nodes.Add(stmt);
                    break;
                default:
                    throw new TemplateException($"Unexpected token '{t.Value}'", t.Line);
            }
        }
    }

    Node? ParseStatement()
    {
        var t = Current;
        if (t.Kind != TokenKind.Name) throw new TemplateException($"Expected a statement name after '{{%', got '{t.Value}'", t.Line);
        _pos++;
        switch (t.Value)
        {
            case "if": return ParseIf(t.Line);
            case "for": return ParseFor(t.Line);
            case "set": return ParseSet(t.Line);
            case "macro": return ParseMacro(t.Line);
            case "filter":
            {
                var filter = ParseFilterCall(null);
                CloseStatement();
                var body = ParseBody(["endfilter"]);
                EndStatement("endfilter");
                return new FilterBlockNode(filter, body, t.Line);
            }
            case "break": CloseStatement(); return new BreakNode(t.Line);
            case "continue": CloseStatement(); return new ContinueNode(t.Line);
            case "generation":
            {
                // transformers' assistant-mask marker: renders its body unchanged.
                CloseStatement();
                var body = ParseBody(["endgeneration"]);
                EndStatement("endgeneration");
                return new IfNode([(new LiteralExpr(true, t.Line), body)], null, t.Line);
            }
            default:
                throw new TemplateException($"Unsupported statement '{{% {t.Value} %}}'", t.Line);
        }
    }

    Node ParseIf(int line)
    {
        var branches = new List<(Expr, List<Node>)>();
        List<Node>? elseBody = null;
        var condition = ParseExpression();
        CloseStatement();
        while (true)
        {
            var body = ParseBody(["elif", "else", "endif"]);
            branches.Add((condition, body));
            _pos++; // {%
            var keyword = Current.Value;
            _pos++;
            if (keyword == "elif") { condition = ParseExpression(); CloseStatement(); continue; }
            CloseStatement();
            if (keyword == "else")
            {
                elseBody = ParseBody(["endif"]);
                EndStatement("endif");
            }
            return new IfNode(branches, elseBody, line);
        }
    }

    Node ParseFor(int line)
    {
        var target = ParseAssignTarget();
        ExpectName("in");
        var iterable = ParseOr();
        Expr? filter = null;
        if (IsName("if")) { _pos++; filter = ParseExpression(); }
        if (IsName("recursive")) throw new TemplateException("Unsupported construct 'recursive' loop", Current.Line);
        CloseStatement();
        var body = ParseBody(["else", "endfor"]);
        List<Node>? elseBody = null;
        if (Peek().Value == "else")
        {
            _pos += 2;
            CloseStatement();
            elseBody = ParseBody(["endfor"]);
        }
        EndStatement("endfor");
        return new ForNode(target, iterable, filter, body, elseBody, line);
    }

    Node ParseSet(int line)
    {
        var target = ParseAssignTarget();
        if (IsOp("="))
        {
            _pos++;
            var value = ParseExpression(allowTuple: true);
            CloseStatement();
            return new SetNode(target, value, null, line);
        }
        if (IsOp("|")) throw new TemplateException("Unsupported construct: filtered block set", Current.Line);
        CloseStatement();
        var body = ParseBody(["endset"]);
        EndStatement("endset");
        return new SetNode(target, null, body, line);
    }

    Node ParseMacro(int line)
    {
        var name = ExpectName(null).Value;
        Expect(TokenKind.Operator, "(");
        var parameters = new List<(string, Expr?)>();
        while (!IsOp(")"))
        {
            if (parameters.Count > 0) Expect(TokenKind.Operator, ",");
            if (IsOp(")")) break;
            var p = ExpectName(null).Value;
            Expr? def = null;
            if (IsOp("=")) { _pos++; def = ParseExpression(); }
            parameters.Add((p, def));
        }
        _pos++;
        CloseStatement();
        var body = ParseBody(["endmacro"]);
        EndStatement("endmacro");
        return new MacroNode(name, parameters, body, line);
    }

    /// <summary>A name, <c>ns.attr</c>, or a comma-separated tuple of names (for/set targets).</summary>
    Expr ParseAssignTarget()
    {
        var line = Current.Line;
        var parenthesized = IsOp("(");
        if (parenthesized) _pos++;
        var items = new List<Expr>();
        do
        {
            if (items.Count > 0) _pos++;
            var name = ExpectName(null);
            Expr e = new NameExpr(name.Value, name.Line);
            if (IsOp("."))
            {
                _pos++;
                e = new AttrExpr(e, ExpectName(null).Value, name.Line);
            }
            items.Add(e);
        } while (IsOp(","));
        if (parenthesized) Expect(TokenKind.Operator, ")");
        return items.Count == 1 && !parenthesized ? items[0] : new TupleExpr(items, line);
    }

    void CloseStatement()
    {
        if (Current.Kind != TokenKind.StmtClose)
            throw new TemplateException($"Expected '%}}' but found '{Current.Value}'", Current.Line);
        _pos++;
    }

    void EndStatement(string keyword)
    {
        Expect(TokenKind.StmtOpen, "{%");
        ExpectName(keyword);
        CloseStatement();
    }

    // ---- expressions ----

    Expr ParseExpression(bool allowTuple = false)
    {
        var line = Current.Line;
        var first = ParseConditional();
        if (!allowTuple || !IsOp(",")) return first;
        var items = new List<Expr> { first };
        while (IsOp(","))
        {
            _pos++;
            if (Current.Kind is TokenKind.ExprClose or TokenKind.StmtClose) break;
            items.Add(ParseConditional());
        }
        return new TupleExpr(items, line);
    }

    Expr ParseConditional()
    {
        var expr = ParseOr();
        while (IsName("if"))
        {
            var line = Current.Line;
            _pos++;
            var condition = ParseOr();
            Expr? otherwise = null;
            if (IsName("else")) { _pos++; otherwise = ParseConditional(); }
            expr = new CondExpr(condition, expr, otherwise, line);
        }
        return expr;
    }

    Expr ParseOr()
    {
        var left = ParseAnd();
        while (IsName("or")) { var line = Current.Line; _pos++; left = new BinaryExpr("or", left, ParseAnd(), line); }
        return left;
    }

    Expr ParseAnd()
    {
        var left = ParseNot();
        while (IsName("and")) { var line = Current.Line; _pos++; left = new BinaryExpr("and", left, ParseNot(), line); }
        return left;
    }

    Expr ParseNot()
    {
        if (IsName("not")) { var line = Current.Line; _pos++; return new UnaryExpr("not", ParseNot(), line); }
        return ParseCompare();
    }

    static readonly HashSet<string> CompareOps = ["==", "!=", "<", ">", "<=", ">="];

    Expr ParseCompare()
    {
        var line = Current.Line;
        var first = ParseMath1();
        var rest = new List<(string, Expr)>();
        while (true)
        {
            if (Current.Kind == TokenKind.Operator && CompareOps.Contains(Current.Value))
            {
                var op = Current.Value;
                _pos++;
                rest.Add((op, ParseMath1()));
            }
            else if (IsName("in")) { _pos++; rest.Add(("in", ParseMath1())); }
            else if (IsName("not") && Peek().Kind == TokenKind.Name && Peek().Value == "in")
            {
                _pos += 2;
                rest.Add(("not in", ParseMath1()));
            }
            else break;
        }
        return rest.Count == 0 ? first : new CompareExpr(first, rest, line);
    }

    Expr ParseMath1()
    {
        var left = ParseConcat();
        while (IsOp("+") || IsOp("-"))
        {
            var t = Current;
            _pos++;
            left = new BinaryExpr(t.Value, left, ParseConcat(), t.Line);
        }
        return left;
    }

    Expr ParseConcat()
    {
        var left = ParseMath2();
        while (IsOp("~")) { var line = Current.Line; _pos++; left = new BinaryExpr("~", left, ParseMath2(), line); }
        return left;
    }

    Expr ParseMath2()
    {
        var left = ParsePow();
        while (IsOp("*") || IsOp("/") || IsOp("//") || IsOp("%"))
        {
            var t = Current;
            _pos++;
            left = new BinaryExpr(t.Value, left, ParsePow(), t.Line);
        }
        return left;
    }

    Expr ParsePow()
    {
        var left = ParseUnary(withFilter: true);
        while (IsOp("**")) { var line = Current.Line; _pos++; left = new BinaryExpr("**", left, ParseUnary(withFilter: true), line); }
        return left;
    }

    Expr ParseUnary(bool withFilter)
    {
        Expr node;
        if (IsOp("-") || IsOp("+"))
        {
            var t = Current;
            _pos++;
            node = new UnaryExpr(t.Value, ParseUnary(withFilter: false), t.Line);
        }
        else node = ParsePostfix(ParsePrimary());
        return withFilter ? ParseFilterTail(node) : node;
    }

    Expr ParsePrimary()
    {
        var t = Current;
        switch (t.Kind)
        {
            case TokenKind.Name:
                _pos++;
                return t.Value switch
                {
                    "true" or "True" => new LiteralExpr(true, t.Line),
                    "false" or "False" => new LiteralExpr(false, t.Line),
                    "none" or "None" => new LiteralExpr(null, t.Line),
                    _ => new NameExpr(t.Value, t.Line),
                };
            case TokenKind.String:
            {
                _pos++;
                var s = (string)t.Literal!;
                while (Current.Kind == TokenKind.String) { s += (string)Current.Literal!; _pos++; }
                return new LiteralExpr(s, t.Line);
            }
            case TokenKind.Integer or TokenKind.Float:
                _pos++;
                return new LiteralExpr(t.Literal, t.Line);
            case TokenKind.Operator when t.Value == "(":
            {
                _pos++;
                if (IsOp(")")) { _pos++; return new TupleExpr([], t.Line); }
                var first = ParseExpression();
                if (IsOp(")")) { _pos++; return first; }
                var items = new List<Expr> { first };
                while (IsOp(","))
                {
                    _pos++;
                    if (IsOp(")")) break;
                    items.Add(ParseExpression());
                }
                Expect(TokenKind.Operator, ")");
                return new TupleExpr(items, t.Line);
            }
            case TokenKind.Operator when t.Value == "[":
            {
                _pos++;
                var items = new List<Expr>();
                while (!IsOp("]"))
                {
                    if (items.Count > 0) { Expect(TokenKind.Operator, ","); if (IsOp("]")) break; }
                    items.Add(ParseExpression());
                }
                _pos++;
                return new ListExpr(items, t.Line);
            }
            case TokenKind.Operator when t.Value == "{":
            {
                _pos++;
                var pairs = new List<(Expr, Expr)>();
                while (!IsOp("}"))
                {
                    if (pairs.Count > 0) { Expect(TokenKind.Operator, ","); if (IsOp("}")) break; }
                    var key = ParseExpression();
                    Expect(TokenKind.Operator, ":");
                    pairs.Add((key, ParseExpression()));
                }
                _pos++;
                return new DictExpr(pairs, t.Line);
            }
            default:
                throw new TemplateException($"Unexpected '{(t.Kind == TokenKind.End ? "end of template" : t.Value)}' in expression", t.Line);
        }
    }

    Expr ParsePostfix(Expr node)
    {
        while (true)
        {
            var t = Current;
            if (IsOp("."))
            {
                _pos++;
                var name = Current;
                if (name.Kind == TokenKind.Name) { _pos++; node = new AttrExpr(node, name.Value, t.Line); }
                else if (name.Kind == TokenKind.Integer) { _pos++; node = new IndexExpr(node, new LiteralExpr(name.Literal, t.Line), t.Line); }
                else throw new TemplateException($"Expected an attribute name after '.', got '{name.Value}'", t.Line);
            }
            else if (IsOp("["))
            {
                _pos++;
                node = ParseSubscript(node, t.Line);
            }
            else if (IsOp("("))
            {
                var (args, kwargs) = ParseCallArgs();
                node = new CallExpr(node, args, kwargs, t.Line);
            }
            else return node;
        }
    }

    Expr ParseSubscript(Expr target, int line)
    {
        Expr? start = null, stop = null, step = null;
        if (!IsOp(":")) start = ParseExpression(allowTuple: true);
        if (!IsOp(":"))
        {
            Expect(TokenKind.Operator, "]");
            return new IndexExpr(target, start!, line);
        }
        _pos++;
        if (!IsOp(":") && !IsOp("]")) stop = ParseExpression();
        if (IsOp(":"))
        {
            _pos++;
            if (!IsOp("]")) step = ParseExpression();
        }
        Expect(TokenKind.Operator, "]");
        return new SliceExpr(target, start, stop, step, line);
    }

    (List<Expr>, List<(string, Expr)>) ParseCallArgs()
    {
        Expect(TokenKind.Operator, "(");
        var args = new List<Expr>();
        var kwargs = new List<(string, Expr)>();
        while (!IsOp(")"))
        {
            if (args.Count + kwargs.Count > 0) { Expect(TokenKind.Operator, ","); if (IsOp(")")) break; }
            if (IsOp("*") || IsOp("**")) throw new TemplateException("Unsupported construct: argument unpacking (*args/**kwargs)", Current.Line);
            if (Current.Kind == TokenKind.Name && Peek().Kind == TokenKind.Operator && Peek().Value == "=")
            {
                var name = Current.Value;
                _pos += 2;
                kwargs.Add((name, ParseExpression()));
            }
            else
            {
                if (kwargs.Count > 0) throw new TemplateException("Positional argument after keyword argument", Current.Line);
                args.Add(ParseExpression());
            }
        }
        _pos++;
        return (args, kwargs);
    }

    Expr ParseFilterTail(Expr node)
    {
        while (true)
        {
            if (IsOp("|"))
            {
                _pos++;
                node = ParseFilterCall(node);
            }
            else if (IsName("is"))
            {
                var line = Current.Line;
                _pos++;
                var negated = false;
                if (IsName("not")) { negated = true; _pos++; }
                var name = ExpectName(null).Value;
                var args = new List<Expr>();
                if (IsOp("("))
                {
                    var (a, _) = ParseCallArgs();
                    args = a;
                }
                else if (StartsTestArgument())
                    args.Add(ParsePostfix(ParsePrimary()));
                node = new TestExpr(node, name, args, negated, line);
            }
            else return node;
        }
    }

    bool StartsTestArgument()
    {
        var t = Current;
        if (t.Kind is TokenKind.String or TokenKind.Integer or TokenKind.Float) return true;
        if (t.Kind == TokenKind.Name) return t.Value is not ("else" or "or" or "and" or "if" or "in" or "not" or "is");
        return t.Kind == TokenKind.Operator && t.Value is "(" or "[" or "{";
    }

    FilterExpr ParseFilterCall(Expr? target)
    {
        var t = ExpectName(null);
        var name = t.Value;
        while (IsOp(".")) { _pos++; name += "." + ExpectName(null).Value; }
        List<Expr> args = [];
        List<(string, Expr)> kwargs = [];
        if (IsOp("(")) (args, kwargs) = ParseCallArgs();
        return new FilterExpr(target, name, args, kwargs, t.Line);
    }

    // ---- helpers ----

    bool IsOp(string op) => Current.Kind == TokenKind.Operator && Current.Value == op;
    bool IsName(string name) => Current.Kind == TokenKind.Name && Current.Value == name;

    Token Expect(TokenKind kind, string value)
    {
        var t = Current;
        if (t.Kind != kind || t.Value != value)
            throw new TemplateException($"Expected '{value}' but found '{(t.Kind == TokenKind.End ? "end of template" : t.Value)}'", t.Line);
        _pos++;
        return t;
    }

    Token ExpectName(string? value)
    {
        var t = Current;
        if (t.Kind != TokenKind.Name || (value is not null && t.Value != value))
            throw new TemplateException($"Expected {(value is null ? "a name" : $"'{value}'")} but found '{(t.Kind == TokenKind.End ? "end of template" : t.Value)}'", t.Line);
        _pos++;
        return t;
    }
}
