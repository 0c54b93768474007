using System.Globalization;
using System.Text;

namespace PluginAI.Backends.Llama.Internal.Grammar;

/// <summary>Collects the rules of one GBNF grammar (llama.cpp's grammar format) under unique names.</summary>
internal sealed class GbnfBuilder
{
    /// <summary>Whitespace between JSON tokens: nothing, one space, or one newline with a little indentation.</summary>
    /// <remarks>Bounded so that a small model cannot spend its whole budget on whitespace.</remarks>
    public const string Whitespace = "ws";

    // Names of the shared helper rules, which a named rule never takes so that Shared always finds its own.
    private static readonly HashSet<string> s_helpers = new(StringComparer.Ordinal)
    {
        "ws", "char", "string", "integer", "number", "boolean", "null", "value", "any-object", "any-array", "text",
    };

    private readonly List<KeyValuePair<string, string>> _rules = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>Gets a value indicating whether a rule with this name exists.</summary>
    public bool Contains(string name) => _names.Contains(name);

    /// <summary>Adds a rule under <paramref name="name"/> or, when taken, under the name with a number appended.</summary>
    /// <returns>The name the rule got.</returns>
    public string Add(string name, string body)
    {
        var unique = Reserve(name);
        Define(unique, body);
        return unique;
    }

    /// <summary>Reserves a unique name for a rule whose body is defined later (recursive references).</summary>
    public string Reserve(string name)
    {
        var baseName = Sanitize(name);
        var unique = baseName;
        for (var i = 2; s_helpers.Contains(unique) || !_names.Add(unique); i++)
        {
            unique = baseName + "-" + i.ToString(CultureInfo.InvariantCulture);
        }

        return unique;
    }

    /// <summary>Defines the body of a reserved rule.</summary>
    public void Define(string reservedName, string body) => _rules.Add(new(reservedName, body));

    /// <summary>Adds a fixed helper rule (such as <c>ws</c> or <c>string</c>) once; later calls return the same name.</summary>
    public string Shared(string name, string body)
    {
        if (_names.Add(name))
        {
            _rules.Add(new(name, body));
        }

        return name;
    }

    /// <summary>Gets the shared whitespace rule.</summary>
    public string Ws() => Shared(Whitespace, "| \" \" | \"\\n\" [ \\t]{0,8}");

    /// <summary>Gets the grammar text.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        foreach (var (name, body) in _rules)
        {
            builder.Append(name).Append(" ::= ").Append(body).Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>Quotes text as a GBNF string literal.</summary>
    public static string Literal(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case < ' ' or '\x7f': builder.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture)); break;
                default: builder.Append(c); break;
            }
        }

        return builder.Append('"').ToString();
    }

    private static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-');
        }

        var result = builder.ToString().Trim('-');
        while (result.Contains("--", StringComparison.Ordinal))
        {
            result = result.Replace("--", "-", StringComparison.Ordinal);
        }

        return result.Length == 0 ? "rule" : result;
    }
}
