using BioEval.Models.Templates;

namespace BioEval.Models.Tests.Templates;

public sealed class ChatTemplateTests
{
    static readonly IReadOnlyList<IReadOnlyDictionary<string, object?>> NoMessages = [];

    static string Render(string template, IReadOnlyDictionary<string, object?>? variables = null, bool addGenerationPrompt = false) =>
        ChatTemplate.Parse(template).Render(NoMessages, addGenerationPrompt, variables);

    static IReadOnlyList<IReadOnlyDictionary<string, object?>> Chat(params (string Role, string Content)[] turns) =>
        ChatTemplate.ToMessages(turns);

    [Theory]
    [InlineData("a{{ 'b' }}c", "abc")]
    [InlineData("a {{- ' b ' -}} c", "a b c")]
    [InlineData("x  {%- if true %}y{% endif -%}  \n z", "xyz")]
    [InlineData("{# comment #}kept", "kept")]
    [InlineData("a\n  {# comment #}\nb", "a\nb")]
    [InlineData("{% if true %}\nyes\n{% endif %}\nend", "yes\nend")]
    [InlineData("  {% if true %}x{% endif %}", "x")]
    [InlineData("a  {% if true %}x{% endif %}", "a  x")]
    [InlineData("  {{ 'expr lines keep their indent' }}", "  expr lines keep their indent")]
    [InlineData("{%+ if true %}x{% endif %}", "x")]
    [InlineData("line\n", "line")]
    public void WhitespaceControlFollowsTrimAndLstripBlocks(string template, string expected) =>
        Assert.Equal(expected, Render(template));

    [Fact]
    public void IndentedBlockTemplateRendersOnlyItsOutputLines()
    {
        const string template = "{% for m in ['a', 'b'] %}\n    {% if m == 'a' %}\n    A\n    {% else %}\n    B\n    {% endif %}\n{% endfor %}\n";
        Assert.Equal("    A\n    B\n", Render(template));
    }

    [Theory]
    [InlineData("{% for x in [1, 2, 3] %}{{ loop.index }}{{ loop.index0 }}{% if loop.first %}F{% endif %}{% if loop.last %}L{% endif %},{% endfor %}", "10F,21,32L,")]
    [InlineData("{% for x in 'abc' %}{{ loop.revindex }}{{ x }}{{ loop.length }}{% endfor %}", "3a32b31c3")]
    [InlineData("{% for x in [1, 2, 3] %}{{ loop.previtem is defined }}-{{ loop.nextitem | default('end') }};{% endfor %}", "False-2;True-3;True-end;")]
    [InlineData("{% for x in [] %}x{% else %}empty{% endfor %}", "empty")]
    [InlineData("{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }};{% endfor %}", "a=1;b=2;")]
    [InlineData("{% for k, v in {'a': 1, 'b': 2} | items %}{{ k }}{{ v }}{% endfor %}", "a1b2")]
    [InlineData("{% for k in {'a': 1, 'b': 2} %}{{ k }}{% endfor %}", "ab")]
    [InlineData("{% for x in range(5) if x is odd %}{{ x }}{{ loop.length }}{% endfor %}", "1232")]
    [InlineData("{% for x in range(10) %}{% if x == 3 %}{% break %}{% endif %}{% if x == 1 %}{% continue %}{% endif %}{{ x }}{% endfor %}", "02")]
    [InlineData("{% for x in [1, 2] %}{% for y in 'ab' %}{{ loop.index }}{{ y }}{% endfor %}{{ loop.index }}|{% endfor %}", "1a2b1|1a2b2|")]
    [InlineData("{% for x in range(3) %}{{ loop.cycle('o', 'e') }}{% endfor %}", "oeo")]
    public void ForLoopsExposeLoopVariables(string template, string expected) => Assert.Equal(expected, Render(template));

    [Theory]
    [InlineData("{% set x = 1 %}{% for i in [1] %}{% set x = 2 %}{% endfor %}{{ x }}", "1")]
    [InlineData("{% set ns = namespace(x=1) %}{% for i in [1, 2] %}{% set ns.x = ns.x + i %}{% endfor %}{{ ns.x }}", "4")]
    [InlineData("{% set ns = namespace(found=false) %}{% for m in ['a', 'b'] %}{% if m == 'b' %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.found }}", "True")]
    [InlineData("{% if true %}{% set y = 'in-if' %}{% endif %}{{ y }}", "in-if")]
    [InlineData("{% set a, b = [1, 2] %}{{ b }}{{ a }}", "21")]
    [InlineData("{% set block %}x{{ 1 + 1 }}y{% endset %}[{{ block }}]", "[x2y]")]
    [InlineData("{% macro tag(name, close=false) %}<{{ '/' if close }}{{ name }}>{% endmacro %}{{ tag('b') }}{{ tag('b', close=true) }}", "<b></b>")]
    [InlineData("{% filter upper %}shout {{ 'this' }}{% endfilter %}", "SHOUT THIS")]
    [InlineData("{% if 0 %}a{% elif '' %}b{% elif [1] %}c{% else %}d{% endif %}", "c")]
    public void StatementsFollowJinjaScoping(string template, string expected) => Assert.Equal(expected, Render(template));

    [Theory]
    [InlineData("{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 2 ** 10 }}", "3 -4 1 2 3.5 1024")]
    [InlineData("{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 4 / 2 }} {{ 0.1 + 0.2 }}", "7 9 2.0 0.30000000000000004")]
    [InlineData("{{ 'a' + 'b' ~ 1 ~ none ~ true }}", "ab1NoneTrue")]
    [InlineData("{{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ 1 == 1.0 }} {{ 'a' != 'b' }}", "True False True True")]
    [InlineData("{{ 'b' in 'abc' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 3 not in [1] }}", "True True True True")]
    [InlineData("{{ not true or false and true }} {{ 0 or 'x' }} {{ 1 and 0 }}", "False x 0")]
    [InlineData("{{ 'yes' if 1 > 0 else 'no' }}[{{ 'shown' if false }}]", "yes[]")]
    [InlineData("{{ [1, 'a', none, true, 1.5] }} {{ {'k': 'v'} }}", "[1, 'a', None, True, 1.5] {'k': 'v'}")]
    [InlineData("{{ 'a\\tb\\n' | length }} {{ \"it's\" }} {{ '\\u00e9' }}", "4 it's é")]
    [InlineData("{{ -3 | abs }} {{ - 3 }} {{ 1e3 }} {{ 10 / 4 }}", "3 -3 1000.0 2.5")]
    public void ExpressionsFollowPythonSemantics(string template, string expected) => Assert.Equal(expected, Render(template));

    [Theory]
    [InlineData("{{ xs[1:] }}", "[2, 3, 4]")]
    [InlineData("{{ xs[::-1] }}", "[4, 3, 2, 1]")]
    [InlineData("{{ xs[-2:] }}", "[3, 4]")]
    [InlineData("{{ xs[:-1] }}", "[1, 2, 3]")]
    [InlineData("{{ xs[1:3] }}", "[2, 3]")]
    [InlineData("{{ xs[::2] }}", "[1, 3]")]
    [InlineData("{{ xs[-1] }}{{ xs[0] }}{{ xs[10] is undefined }}", "41True")]
    [InlineData("{{ 'hello'[1:-1] }}{{ 'hello'[::-1] }}{{ 'hello'[0] }}", "ellollehh")]
    public void SlicingMatchesPython(string template, string expected) =>
        Assert.Equal(expected, Render(template, new Dictionary<string, object?> { ["xs"] = new[] { 1, 2, 3, 4 } }));

    [Theory]
    [InlineData("{{ '  x  ' | trim }}|{{ 'xxhixx' | trim('x') }}", "x|hi")]
    [InlineData("{{ 'Hello World' | upper }} {{ 'Hello' | lower }} {{ 'hello big-world' | title }} {{ 'hELLO' | capitalize }}", "HELLO WORLD hello Hello Big-World Hello")]
    [InlineData("{{ 'aaa' | replace('a', 'b') }} {{ 'aaa' | replace('a', 'b', 2) }}", "bbb bba")]
    [InlineData("{{ [1, 2, 3] | join(', ') }} {{ ['a', 'b'] | join }}", "1, 2, 3 ab")]
    [InlineData("{{ [3, 1, 2] | first }}{{ [3, 1, 2] | last }}{{ 'xyz' | first }}{{ [3, 1, 2] | length }}{{ 'abcd' | count }}", "32x34")]
    [InlineData("{{ missing | default('d') }} {{ '' | default('e', true) }} {{ '' | default('e') }}|", "d e |")]
    [InlineData("{{ '42' | int + 1 }} {{ '3.9' | int }} {{ 'x' | int }} {{ '2.5' | float }} {{ 3 | float }} {{ 5 | string ~ '!' }}", "43 3 0 2.5 3.0 5!")]
    [InlineData("{{ 'ab' | list }} {{ [1, 1, 2, 'A', 'a'] | unique | list }} {{ [3, 1, 2] | sort }} {{ [1, 2] | reverse | list }}", "['a', 'b'] [1, 2, 'A'] [1, 2, 3] [2, 1]")]
    [InlineData("{{ 'a\\nb\\n\\nc' | indent(2) }}|{{ 'a\\nb' | indent(2, true) }}", "a\n  b\n\n  c|  a\n  b")]
    [InlineData("{{ '<b>' | safe }} {{ '<b>&' | e }}", "<b> &lt;b&gt;&amp;")]
    [InlineData("{{ [1, 2, 3, 4] | select('even') | list }} {{ [1, 2, 3] | reject('odd') | list }} {{ [1.5, 2.5] | map('int') | list }}", "[2, 4] [2] [1, 2]")]
    public void FiltersBehaveAsInJinja(string template, string expected) => Assert.Equal(expected, Render(template));

    [Fact]
    public void AttributeFiltersSelectAndMapMessages()
    {
        var messages = Chat(("system", "S"), ("user", "U1"), ("assistant", "A1"), ("user", "U2"));
        const string template =
            "{{ messages | selectattr('role', 'equalto', 'user') | map(attribute='content') | join('+') }}|"
            + "{{ messages | rejectattr('role', 'in', ['user', 'assistant']) | map(attribute='content') | list }}|"
            + "{{ (messages | selectattr('role', '==', 'user') | list | length) }}";
        Assert.Equal("U1+U2|['S']|2", ChatTemplate.Parse(template).Render(messages, false));
    }

    [Theory]
    [InlineData("{{ {'a': 1, 'b': [true, none, 'é\"\\n']} | tojson }}", "{\"a\": 1, \"b\": [true, null, \"é\\\"\\n\"]}")]
    [InlineData("{{ {'b': 1, 'a': {}} | tojson(indent=2) }}", "{\n  \"b\": 1,\n  \"a\": {}\n}")]
    [InlineData("{{ [1, [2]] | tojson(indent=2) }}", "[\n  1,\n  [\n    2\n  ]\n]")]
    [InlineData("{{ 1.5 | tojson }} {{ 'ü' | tojson }} {{ none | tojson }}", "1.5 \"ü\" null")]
    public void ToJsonMatchesTransformers(string template, string expected) => Assert.Equal(expected, Render(template));

    [Theory]
    [InlineData("{{ ' x '.strip() }}|{{ 'xay'.lstrip('x') }}|{{ 'a  '.rstrip() }}", "x|ay|a")]
    [InlineData("{{ 'a b  c'.split() }} {{ 'a,b,,c'.split(',') }} {{ 'a,b,c'.split(',', 1) }}", "['a', 'b', 'c'] ['a', 'b', '', 'c'] ['a', 'b,c']")]
    [InlineData("{{ 'abc'.startswith('ab') }} {{ 'abc'.endswith(('x', 'c')) }} {{ 'hello world'.title() }} {{ 'Ab'.upper() }}{{ 'Ab'.lower() }}", "True True Hello World ABab")]
    [InlineData("{{ 'a-b'.replace('-', '+') }} {{ '{} and {name}'.format(1, name='two') }}", "a+b 1 and two")]
    [InlineData("{{ d.get('a') }} {{ d.get('zz', 'dflt') }} {{ d.get('zz') }} {{ d.keys() | list }} {{ d.values() | list }}", "1 dflt None ['a', 'b'] [1, 2]")]
    [InlineData("{{ d.a }}{{ d['b'] }}{{ d.zz is defined }}{{ d.zz.deeper is defined }}", "12FalseFalse")]
    public void MethodsOnStringsAndDictsWork(string template, string expected) =>
        Assert.Equal(expected, Render(template, new Dictionary<string, object?> { ["d"] = new Dictionary<string, object?> { ["a"] = 1, ["b"] = 2 } }));

    [Theory]
    [InlineData("{{ x is defined }}{{ x is undefined }}{{ none is none }}{{ 'a' is string }}{{ 1 is number }}{{ 1.5 is number }}", "FalseTrueTrueTrueTrueTrue")]
    [InlineData("{{ {} is mapping }}{{ [] is sequence }}{{ 'a' is iterable }}{{ true is boolean }}{{ true is true }}{{ 0 is false }}", "TrueTrueTrueTrueTrueFalse")]
    [InlineData("{{ 3 is odd }}{{ 3 is even }}{{ 3 is equalto 3 }}{{ 3 is not equalto 4 }}{{ 9 is divisibleby 3 }}", "TrueFalseTrueTrueTrue")]
    [InlineData("{{ x }}|{{ x | length }}|{{ 'no' if x else 'falsy' }}|{% for i in x %}never{% endfor %}", "|0|falsy|")]
    public void TestsAndUndefinedValuesBehaveAsJinjaDefaults(string template, string expected) => Assert.Equal(expected, Render(template));

    [Fact]
    public void RaiseExceptionCarriesTheTemplateMessageOnly()
    {
        var e = Assert.Throws<TemplateException>(() => Render("{% if true %}\n{{ raise_exception('Roles must alternate') }}{% endif %}"));
        Assert.True(e.RaisedByTemplate);
        Assert.Equal("Roles must alternate", e.Message);
    }

    [Theory]
    [InlineData("line1\n{% include 'other.jinja' %}", "include", 2)]
    [InlineData("{% raw %}x{% endraw %}", "raw", 1)]
    [InlineData("a\nb\n{{ x | wordwrap }}", "wordwrap", 3)]
    [InlineData("{{ 1 is prime }}", "prime", 1)]
    [InlineData("{% for x in y recursive %}{% endfor %}", "recursive", 1)]
    [InlineData("{% call foo() %}x{% endcall %}", "call", 1)]
    public void UnsupportedConstructsAreNamedWithTheirLine(string template, string construct, int line)
    {
        var e = Assert.ThrowsAny<TemplateException>(() => Render(template));
        Assert.Contains(construct, e.Message);
        Assert.Equal(line, e.Line);
        Assert.Contains($"line {line}", e.Message);
        Assert.False(e.RaisedByTemplate);
    }

    [Theory]
    [InlineData("{% if x %}never closed", "endif")]
    [InlineData("{{ 'unterminated }}", "Unterminated string")]
    [InlineData("{{ 1 + }}", "Unexpected '}}'")]
    [InlineData("{{ 1 // 0 }}", "division by zero")]
    [InlineData("{{ undefined_fn() }}", "'undefined_fn' is undefined")]
    [InlineData("{{ 'a' - 1 }}", "unsupported operand")]
    [InlineData("{% set s = 'x' %}{% set s.attr = 1 %}", "namespace")]
    public void ErrorsExplainWhatWentWrong(string template, string fragment)
    {
        var e = Assert.ThrowsAny<TemplateException>(() => Render(template));
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void StrftimeNowUsesTheInjectedClock()
    {
        var template = ChatTemplate.Parse("{{ strftime_now('%d %B %Y, %H:%M %p') }}").WithClock(() => new DateTime(2024, 7, 5, 9, 3, 0));
        Assert.Equal("05 July 2024, 09:03 AM", template.Render(NoMessages, false));
    }

    [Fact]
    public void MessagesAndGenerationPromptReachTheTemplate()
    {
        const string template = "{% for m in messages %}<{{ m.role }}>{{ m['content'] }}{% endfor %}{% if add_generation_prompt %}<assistant>{% endif %}";
        var parsed = ChatTemplate.Parse(template);
        var chat = Chat(("user", "hi"), ("assistant", "yo"));
        Assert.Equal("<user>hi<assistant>yo<assistant>", parsed.Render(chat, true));
        Assert.Equal("<user>hi<assistant>yo", parsed.Render(chat, false));
    }
}
