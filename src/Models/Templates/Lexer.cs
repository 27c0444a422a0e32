using System.Globalization;
using System.Text;

namespace BioEval.Models.Templates;

internal enum TokenKind { Text, ExprOpen, ExprClose, StmtOpen, StmtClose, Name, String, Integer, Float, Operator, End }

internal sealed record Token(TokenKind Kind, string Value, int Line, object? Literal = null);

/// <summary>
/// Splits a template into text and tag tokens, applying whitespace control the way transformers configures Jinja:
/// trim_blocks and lstrip_blocks on, <c>-</c> strips all whitespace on that side, <c>+</c> turns lstrip/trim off,
/// and a single trailing newline of the source is dropped (keep_trailing_newline=False).
/// </summary>
internal static class Lexer
{
    static readonly string[] Operators =
        ["**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|"];

    public static List<Token> Tokenize(string source)
    {
        source = source.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (source.EndsWith('\n')) source = source[..^1];
        var tokens = new List<Token>();
        var pos = 0;
        var line = 1;
        var stripLeading = false;
        var trimNewline = false;
        while (pos <= source.Length)
        {
            var tag = FindTagStart(source, pos);
            var end = tag < 0 ? source.Length : tag;
            var text = source[pos..end];
            var textLine = line;
            line += Count(text, '\n');
            if (trimNewline && text.StartsWith('\n')) { text = text[1..]; textLine++; }
            if (stripLeading) text = text.TrimStart();
            if (tag < 0)
            {
                if (text.Length > 0) tokens.Add(new Token(TokenKind.Text, text, textLine));
                break;
            }
            var kind = source[tag + 1];
            var modifier = tag + 2 < source.Length ? source[tag + 2] : '\0';
            if (modifier == '-') text = text.TrimEnd();
            else if (kind != '{' && modifier != '+')
            {
                var j = tag;
                while (j > pos && source[j - 1] is ' ' or '\t') j--;
                if (j == 0 || source[j - 1] == '\n')
                    text = text[..Math.Max(0, text.Length - (tag - j))];
            }
            if (text.Length > 0) tokens.Add(new Token(TokenKind.Text, text, textLine));
            pos = tag + 2 + (modifier is '-' or '+' ? 1 : 0);

            if (kind == '#')
            {
                var close = source.IndexOf("#}", pos, StringComparison.Ordinal);
                if (close < 0) throw new TemplateException("Unclosed comment: missing '#}'", line);
                line += Count(source[pos..close], '\n');
                stripLeading = close > pos && source[close - 1] == '-';
                trimNewline = !(close > pos && source[close - 1] == '+');
                pos = close + 2;
                continue;
            }
            var isExpr = kind == '{';
            tokens.Add(new Token(isExpr ? TokenKind.ExprOpen : TokenKind.StmtOpen, isExpr ? "{{" : "{%", line));
            (pos, line, stripLeading, var plus) = LexTag(source, pos, line, isExpr, tokens);
            trimNewline = !isExpr && !plus;
        }
        tokens.Add(new Token(TokenKind.End, "", line));
        return tokens;
    }

    static int FindTagStart(string s, int from)
    {
        for (var i = s.IndexOf('{', from); i >= 0 && i + 1 < s.Length; i = s.IndexOf('{', i + 1))
            if (s[i + 1] is '{' or '%' or '#') return i;
        return -1;
    }

    static int Count(string s, char c)
    {
        var n = 0;
        foreach (var ch in s) if (ch == c) n++;
        return n;
    }

    /// <summary>Lexes the inside of one tag; returns the position after its closing delimiter.</summary>
    static (int Pos, int Line, bool StripNext, bool Plus) LexTag(string s, int pos, int line, bool isExpr, List<Token> tokens)
    {
        var depth = 0;
        var closer = isExpr ? "}}" : "%}";
        var openLine = line;
        while (true)
        {
            while (pos < s.Length && char.IsWhiteSpace(s[pos]))
            {
                if (s[pos] == '\n') line++;
                pos++;
            }
            if (pos >= s.Length)
                throw new TemplateException($"Unclosed tag: missing '{closer}' for the tag opened", openLine);
            if (depth == 0)
            {
                if (string.CompareOrdinal(s, pos, closer, 0, 2) == 0)
                {
                    tokens.Add(new Token(isExpr ? TokenKind.ExprClose : TokenKind.StmtClose, closer, line));
                    return (pos + 2, line, false, false);
                }
                if (s[pos] is '-' or '+' && string.CompareOrdinal(s, pos + 1, closer, 0, 2) == 0)
                {
                    tokens.Add(new Token(isExpr ? TokenKind.ExprClose : TokenKind.StmtClose, closer, line));
                    return (pos + 3, line, s[pos] == '-', s[pos] == '+');
                }
            }
            var c = s[pos];
            if (c is '\'' or '"')
            {
                var (value, next, lines) = LexString(s, pos, line);
                tokens.Add(new Token(TokenKind.String, value, line, value));
                pos = next;
                line += lines;
            }
            else if (char.IsAsciiDigit(c))
            {
                var start = pos;
                while (pos < s.Length && (char.IsAsciiDigit(s[pos]) || s[pos] == '_')) pos++;
                var isFloat = false;
                var prev = tokens.Count > 0 ? tokens[^1] : null;
                var afterDot = prev is { Kind: TokenKind.Operator, Value: "." };
                if (!afterDot && pos + 1 < s.Length && s[pos] == '.' && char.IsAsciiDigit(s[pos + 1]))
                {
                    isFloat = true;
                    pos++;
                    while (pos < s.Length && (char.IsAsciiDigit(s[pos]) || s[pos] == '_')) pos++;
                }
                if (!afterDot && pos < s.Length && s[pos] is 'e' or 'E')
                {
                    var p = pos + 1;
                    if (p < s.Length && s[p] is '+' or '-') p++;
                    if (p < s.Length && char.IsAsciiDigit(s[p]))
                    {
                        isFloat = true;
                        pos = p;
                        while (pos < s.Length && char.IsAsciiDigit(s[pos])) pos++;
                    }
                }
                var text = s[start..pos].Replace("_", "", StringComparison.Ordinal);
                tokens.Add(isFloat
                    ? new Token(TokenKind.Float, text, line, double.Parse(text, CultureInfo.InvariantCulture))
                    : new Token(TokenKind.Integer, text, line, long.Parse(text, CultureInfo.InvariantCulture)));
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = pos;
                while (pos < s.Length && (char.IsAsciiLetterOrDigit(s[pos]) || s[pos] == '_')) pos++;
                tokens.Add(new Token(TokenKind.Name, s[start..pos], line));
            }
            else
            {
                var op = Operators.FirstOrDefault(o => string.CompareOrdinal(s, pos, o, 0, o.Length) == 0)
                    ?? throw new TemplateException($"Unexpected character '{c}' inside a tag", line);
                if (op is "(" or "[" or "{") depth++;
                else if (op is ")" or "]" or "}") depth = Math.Max(0, depth - 1);
                tokens.Add(new Token(TokenKind.Operator, op, line));
                pos += op.Length;
            }
        }
    }

    /// <summary>A Python string literal with the escapes Python's unicode-escape decoder knows; unknown escapes stay as written.</summary>
    static (string Value, int Next, int Lines) LexString(string s, int pos, int line)
    {
        var quote = s[pos++];
        var sb = new StringBuilder();
        var lines = 0;
        while (true)
        {
            if (pos >= s.Length) throw new TemplateException("Unterminated string literal", line);
            var c = s[pos++];
            if (c == quote) return (sb.ToString(), pos, lines);
            if (c == '\n') lines++;
            if (c != '\\') { sb.Append(c); continue; }
            if (pos >= s.Length) throw new TemplateException("Unterminated string literal", line);
            var e = s[pos++];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case 'a': sb.Append('\a'); break;
                case '0': sb.Append('\0'); break;
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case '\n': lines++; break;
                case 'x' or 'u' or 'U':
                    var n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    if (pos + n > s.Length || !int.TryParse(s.AsSpan(pos, n), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
                        throw new TemplateException($"Invalid \\{e} escape in string literal", line);
                    sb.Append(char.ConvertFromUtf32(code));
                    pos += n;
                    break;
                default: sb.Append('\\').Append(e); break;
            }
        }
    }
}
