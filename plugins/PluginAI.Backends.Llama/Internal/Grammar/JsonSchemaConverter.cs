using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace PluginAI.Backends.Llama.Internal.Grammar;

/// <summary>Turns a JSON schema into GBNF rules that llama.cpp's grammar sampler enforces token by token.</summary>
/// <remarks>
/// Only what a grammar can guarantee is accepted: shapes (types, properties, items, item counts), literal values
/// (<c>enum</c>, <c>const</c>), alternatives (<c>anyOf</c>, <c>oneOf</c>, type arrays), string lengths and local
/// <c>$ref</c>s (recursive ones too). Every other keyword that constrains values, such as <c>pattern</c>,
/// <c>minimum</c> or <c>format</c>, is refused with a <see cref="PluginException"/> that names it and its JSON path,
/// rather than silently producing output the caller's schema would reject. Annotations (<c>description</c>,
/// <c>title</c>, <c>$schema</c>, <c>default</c>, <c>examples</c>) are ignored.
/// </remarks>
internal sealed class JsonSchemaConverter
{
    /// <summary>The error code for a <c>response_format</c> schema that cannot be enforced.</summary>
    public const string ResponseFormatErrorCode = "request.unsupported-response-format";

    /// <summary>The error code for a tool parameter schema that cannot be enforced.</summary>
    public const string ToolSchemaErrorCode = "request.unsupported-tool-schema";

    /// <summary>The longest <c>maxLength</c>, <c>minLength</c>, <c>minItems</c> or bounded <c>maxItems</c> accepted.</summary>
    /// <remarks>llama.cpp expands bounded repetition into one rule per step, so large bounds make large grammars.</remarks>
    public const int MaxBound = 1000;

    private static readonly HashSet<string> s_annotations = new(StringComparer.Ordinal)
    {
        "description", "title", "$schema", "$id", "$comment", "default", "examples", "readOnly", "writeOnly", "deprecated", "$defs", "definitions",
    };

    private static readonly HashSet<string> s_supported = new(StringComparer.Ordinal)
    {
        "type", "properties", "required", "additionalProperties", "items", "minItems", "maxItems", "minLength", "maxLength", "enum", "const", "anyOf", "oneOf", "$ref",
    };

    private static readonly JsonWriterOptions s_compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly GbnfBuilder _rules;
    private readonly JsonElement _document;
    private readonly string _subject;
    private readonly string _errorCode;
    private readonly Dictionary<string, string> _refs = new(StringComparer.Ordinal);

    /// <summary>Initializes a converter that adds the rules of schemas within <paramref name="document"/> to <paramref name="rules"/>.</summary>
    /// <param name="rules">The grammar the rules go into; several converters may share one.</param>
    /// <param name="document">The whole schema document, against which <c>$ref</c>s resolve.</param>
    /// <param name="subject">How error messages name the schema, such as "The JSON schema".</param>
    /// <param name="errorCode">The <see cref="PluginException.ErrorCode"/> of refusals.</param>
    public JsonSchemaConverter(GbnfBuilder rules, JsonElement document, string subject, string errorCode)
    {
        _rules = rules;
        _document = document;
        _subject = subject;
        _errorCode = errorCode;
    }

    /// <summary>Converts a whole schema into a grammar whose root rule is <c>root</c>.</summary>
    /// <exception cref="PluginException">The schema uses a construct the grammar cannot enforce.</exception>
    public static string ToGbnf(JsonElement schema, string subject = "The JSON schema", string errorCode = ResponseFormatErrorCode)
    {
        var rules = new GbnfBuilder();
        var root = rules.Reserve("root");
        var converter = new JsonSchemaConverter(rules, schema, subject, errorCode);
        rules.Define(root, converter.Convert(schema, "$", "schema"));
        return rules.ToString();
    }

    /// <summary>Gets a grammar for any JSON object (the <c>json_object</c> response format), root rule <c>root</c>.</summary>
    public static string AnyObjectGbnf()
    {
        var rules = new GbnfBuilder();
        var root = rules.Reserve("root");
        rules.Define(root, AnyObject(rules));
        return rules.ToString();
    }

    /// <summary>Adds the rules for <paramref name="schema"/> and returns a GBNF expression matching it.</summary>
    /// <param name="schema">The schema (a part of the document).</param>
    /// <param name="path">The schema's JSON path within the document, for error messages.</param>
    /// <param name="nameHint">A name for the rules this schema produces.</param>
    public string Convert(JsonElement schema, string path, string nameHint)
    {
        if (schema.ValueKind == JsonValueKind.True)
        {
            return AnyValue(_rules);
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw Refuse(schema.ValueKind == JsonValueKind.False ? "false" : "a schema that is not an object", path);
        }

        foreach (var property in schema.EnumerateObject())
        {
            if (!s_supported.Contains(property.Name) && !s_annotations.Contains(property.Name))
            {
                throw Refuse(property.Name, Child(path, property.Name));
            }
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            if (schema.EnumerateObject().Any(p => !s_annotations.Contains(p.Name) && p.Name != "$ref"))
            {
                throw Refuse("$ref next to other keywords", path);
            }

            return Reference(reference, Child(path, "$ref"));
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            return Json(constant);
        }

        if (schema.TryGetProperty("enum", out var values))
        {
            if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() == 0)
            {
                throw Refuse("an enum that is not a non-empty array", Child(path, "enum"));
            }

            return "(" + string.Join(" | ", values.EnumerateArray().Select(Json).Distinct(StringComparer.Ordinal)) + ")";
        }

        foreach (var keyword in (ReadOnlySpan<string>)["anyOf", "oneOf"])
        {
            if (schema.TryGetProperty(keyword, out var options))
            {
                if (options.ValueKind != JsonValueKind.Array || options.GetArrayLength() == 0)
                {
                    throw Refuse($"a {keyword} that is not a non-empty array", Child(path, keyword));
                }

                // Keywords beside the alternatives would apply to all of them; a grammar of alternatives cannot add them.
                if (schema.EnumerateObject().FirstOrDefault(p => p.Name != keyword && !s_annotations.Contains(p.Name)) is { Value.ValueKind: not JsonValueKind.Undefined } sibling)
                {
                    throw Refuse($"{sibling.Name} next to {keyword}", Child(path, sibling.Name));
                }

                var alternatives = options.EnumerateArray()
                    .Select((option, i) => Convert(option, $"{Child(path, keyword)}[{i}]", $"{nameHint}-{i}"))
                    .ToList();
                return _rules.Add(nameHint, string.Join(" | ", alternatives));
            }
        }

        if (!schema.TryGetProperty("type", out var type))
        {
            if (schema.TryGetProperty("properties", out _))
            {
                return Object(schema, path, nameHint);
            }

            if (schema.TryGetProperty("items", out _))
            {
                return Array(schema, path, nameHint);
            }

            // Without a type, keywords of one type would only apply to values of that type; refused rather than guessed.
            foreach (var keyword in (ReadOnlySpan<string>)["required", "additionalProperties", "minItems", "maxItems", "minLength", "maxLength"])
            {
                if (schema.TryGetProperty(keyword, out _))
                {
                    throw Refuse($"{keyword} without a type", Child(path, keyword));
                }
            }

            return AnyValue(_rules);
        }

        if (type.ValueKind == JsonValueKind.String)
        {
            return Typed(schema, type.GetString()!, path, nameHint);
        }

        if (type.ValueKind == JsonValueKind.Array && type.GetArrayLength() > 0 && type.EnumerateArray().All(t => t.ValueKind == JsonValueKind.String))
        {
            var alternatives = type.EnumerateArray().Select(t => Typed(schema, t.GetString()!, path, $"{nameHint}-{t.GetString()}")).ToList();
            return alternatives.Count == 1 ? alternatives[0] : _rules.Add(nameHint, string.Join(" | ", alternatives));
        }

        throw Refuse("a type that is neither a name nor an array of names", Child(path, "type"));
    }

    private string Typed(JsonElement schema, string type, string path, string nameHint)
    {
        RefuseKeywordsOutside(schema, type, path);
        return type switch
        {
            "object" => Object(schema, path, nameHint),
            "array" => Array(schema, path, nameHint),
            "string" => String(schema, path, nameHint),
            "integer" => Integer(_rules),
            "number" => Number(_rules),
            "boolean" => _rules.Shared("boolean", "\"true\" | \"false\""),
            "null" => _rules.Shared("null", "\"null\""),
            _ => throw Refuse($"type '{type}'", Child(path, "type")),
        };
    }

    private void RefuseKeywordsOutside(JsonElement schema, string type, string path)
    {
        // Keywords of another type are harmless when the type array allows that type too (["string","null"] with maxLength).
        var types = schema.GetProperty("type") is { ValueKind: JsonValueKind.Array } list ? list.EnumerateArray().Select(t => t.GetString()).ToHashSet() : [type];
        foreach (var property in schema.EnumerateObject())
        {
            var owner = property.Name switch
            {
                "properties" or "required" or "additionalProperties" => "object",
                "items" or "minItems" or "maxItems" => "array",
                "minLength" or "maxLength" => "string",
                _ => null,
            };
            if (owner is not null && !types.Contains(owner))
            {
                throw Refuse($"{property.Name} on type '{type}'", Child(path, property.Name));
            }
        }
    }

    private string Object(JsonElement schema, string path, string nameHint)
    {
        if (schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind != JsonValueKind.False)
        {
            var isOpen = additional.ValueKind == JsonValueKind.True || (additional.ValueKind == JsonValueKind.Object && !additional.EnumerateObject().Any());
            if (!isOpen || schema.TryGetProperty("properties", out _))
            {
                throw Refuse("additionalProperties other than false", Child(path, "additionalProperties"));
            }
        }

        if (!schema.TryGetProperty("properties", out var properties))
        {
            if (schema.TryGetProperty("required", out var declared) && declared.GetArrayLength() > 0)
            {
                throw Refuse("required without properties", Child(path, "required"));
            }

            return AnyObject(_rules);
        }

        if (properties.ValueKind != JsonValueKind.Object)
        {
            throw Refuse("properties that is not an object", Child(path, "properties"));
        }

        var requiredNames = new HashSet<string>(StringComparer.Ordinal);
        if (schema.TryGetProperty("required", out var requiredList))
        {
            if (requiredList.ValueKind != JsonValueKind.Array)
            {
                throw Refuse("required that is not an array", Child(path, "required"));
            }

            foreach (var name in requiredList.EnumerateArray())
            {
                var text = name.GetString() ?? throw Refuse("required that is not an array of names", Child(path, "required"));
                if (!properties.TryGetProperty(text, out _))
                {
                    throw Refuse($"required property '{text}' that is not in properties", Child(path, "required"));
                }

                requiredNames.Add(text);
            }
        }

        var ws = _rules.Ws();
        var required = new List<string>();
        var optional = new List<string>();
        foreach (var property in properties.EnumerateObject())
        {
            var value = Convert(property.Value, Child(Child(path, "properties"), property.Name), $"{nameHint}-{property.Name}");
            var pair = $"{Json(property.Name)} {ws} \":\" {ws} {value}";
            (requiredNames.Contains(property.Name) ? required : optional).Add(pair);
        }

        var body = new StringBuilder("\"{\" ").Append(ws);
        if (required.Count > 0)
        {
            body.Append(' ').Append(string.Join($" {ws} \",\" {ws} ", required));
            foreach (var pair in optional)
            {
                body.Append($" ({ws} \",\" {ws} {pair})?");
            }
        }
        else if (optional.Count > 0)
        {
            // Optional properties in schema order, any subset, commas only between them: rest-i ::= pair-i ("," rest-(i+1))? | rest-(i+1).
            var next = _rules.Add($"{nameHint}-rest", optional[^1]);
            for (var i = optional.Count - 2; i >= 0; i--)
            {
                next = _rules.Add($"{nameHint}-rest", $"{optional[i]} ({ws} \",\" {ws} {next})? | {next}");
            }

            body.Append(' ').Append(next).Append('?');
        }

        body.Append(' ').Append(ws).Append(" \"}\"");
        return _rules.Add(nameHint, body.ToString());
    }

    private string Array(JsonElement schema, string path, string nameHint)
    {
        var item = schema.TryGetProperty("items", out var items)
            ? Convert(items, Child(path, "items"), $"{nameHint}-item")
            : AnyValue(_rules);
        var min = Bound(schema, "minItems", path) ?? 0;
        var max = Bound(schema, "maxItems", path);
        if (max < min)
        {
            throw Refuse("maxItems below minItems", Child(path, "maxItems"));
        }

        var ws = _rules.Ws();
        var itemRule = _rules.Add($"{nameHint}-item", item);
        var more = $"({ws} \",\" {ws} {itemRule})";
        string list;
        if (max == 0)
        {
            list = string.Empty;
        }
        else
        {
            var repeat = max is { } m ? $"{{{Math.Max(min - 1, 0)},{m - 1}}}" : min > 1 ? $"{{{min - 1},}}" : "*";
            list = $"{itemRule} {more}{repeat}";
            if (min == 0)
            {
                list = $"({list})?";
            }
        }

        return _rules.Add(nameHint, $"\"[\" {ws} {list} {ws} \"]\"");
    }

    private string String(JsonElement schema, string path, string nameHint)
    {
        var min = Bound(schema, "minLength", path) ?? 0;
        var max = Bound(schema, "maxLength", path);
        if (max < min)
        {
            throw Refuse("maxLength below minLength", Child(path, "maxLength"));
        }

        if (min == 0 && max is null)
        {
            return StringRule(_rules);
        }

        var repeat = max is { } m ? $"{{{min},{m}}}" : $"{{{min},}}";
        return _rules.Add(nameHint, $"\"\\\"\" {CharRule(_rules)}{repeat} \"\\\"\"");
    }

    private int? Bound(JsonElement schema, string keyword, string path)
    {
        if (!schema.TryGetProperty(keyword, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var bound) || bound < 0)
        {
            throw Refuse($"{keyword} that is not a non-negative integer", Child(path, keyword));
        }

        if (bound > MaxBound)
        {
            throw Refuse($"{keyword} above {MaxBound.ToString(CultureInfo.InvariantCulture)}", Child(path, keyword));
        }

        return bound;
    }

    private string Reference(JsonElement reference, string path)
    {
        var target = reference.GetString() ?? string.Empty;
        if (_refs.TryGetValue(target, out var known))
        {
            return known;
        }

        string[] segments;
        if (target.StartsWith("#/$defs/", StringComparison.Ordinal) || target.StartsWith("#/definitions/", StringComparison.Ordinal))
        {
            segments = target[2..].Split('/').Select(s => Uri.UnescapeDataString(s).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
        }
        else
        {
            throw Refuse($"$ref '{target}' (only local references to #/$defs/... or #/definitions/... are supported)", path);
        }

        var node = _document;
        foreach (var segment in segments)
        {
            if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(segment, out node))
            {
                throw Refuse($"$ref '{target}', which does not resolve", path);
            }
        }

        // The name is reserved before the body is converted, so a recursive reference inside it resolves to this rule.
        var name = _rules.Reserve("ref-" + segments[^1]);
        _refs[target] = name;
        _rules.Define(name, Convert(node, "$." + string.Join('.', segments), name));
        return name;
    }

    private PluginException Refuse(string construct, string path) =>
        new($"{_subject} uses '{construct}' at {path}, which this backend cannot enforce; remove it, or describe the constraint in the prompt instead.")
        {
            ErrorCode = _errorCode,
        };

    private static string Child(string path, string name) =>
        name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '$') ? $"{path}.{name}" : $"{path}['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";

    private static string Json(JsonElement value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, s_compact))
        {
            value.WriteTo(writer);
        }

        return GbnfBuilder.Literal(Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static string Json(string text) => GbnfBuilder.Literal(JsonSerializer.Serialize(text, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));

    private static string CharRule(GbnfBuilder rules) =>
        rules.Shared("char", "[^\"\\\\\\x7F\\x00-\\x1F] | \"\\\\\" ([\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4})");

    private static string StringRule(GbnfBuilder rules) => rules.Shared("string", $"\"\\\"\" {CharRule(rules)}* \"\\\"\"");

    // Digits are bounded (16 for an integer part or fraction, 3 for an exponent) so that a number always ends.
    private static string Integer(GbnfBuilder rules) => rules.Shared("integer", "\"-\"? (\"0\" | [1-9] [0-9]{0,15})");

    private static string Number(GbnfBuilder rules) =>
        rules.Shared("number", $"{Integer(rules)} (\".\" [0-9]{{1,16}})? ([eE] [-+]? [0-9]{{1,3}})?");

    private static string AnyValue(GbnfBuilder rules)
    {
        if (rules.Contains("value"))
        {
            return "value";
        }

        var ws = rules.Ws();
        rules.Shared("value", $"any-object | any-array | {StringRule(rules)} | {Number(rules)} | \"true\" | \"false\" | \"null\"");
        rules.Shared("any-object", $"\"{{\" {ws} ({StringRule(rules)} {ws} \":\" {ws} value ({ws} \",\" {ws} {StringRule(rules)} {ws} \":\" {ws} value)*)? {ws} \"}}\"");
        rules.Shared("any-array", $"\"[\" {ws} (value ({ws} \",\" {ws} value)*)? {ws} \"]\"");
        return "value";
    }

    /// <summary>Adds the rules for any JSON object and returns the name of its rule.</summary>
    public static string AnyObject(GbnfBuilder rules)
    {
        AnyValue(rules);
        return "any-object";
    }
}
