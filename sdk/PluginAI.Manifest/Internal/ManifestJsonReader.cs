using System.Globalization;
using System.Text.Json;

namespace PluginAI.Manifest.Internal;

/// <summary>
/// Reads typed fields of a JSON document and collects every problem with the file, the field's path and what was
/// expected, instead of throwing: the primitives under <see cref="ManifestReader"/>.
/// </summary>
internal abstract class ManifestJsonReader(string source)
{
    public List<ManifestError> Errors { get; } = [];

    public List<ManifestError> Warnings { get; } = [];

    protected List<T> Array<T>(JsonElement parent, string parentPath, string name, Func<JsonElement, string, T?> read)
        where T : class
    {
        var list = new List<T>();
        if (!Get(parent, parentPath, name, required: false, JsonValueKind.Array, "an array", out var array))
        {
            return list;
        }

        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            var path = $"{Join(parentPath, name)}[{i++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                Error(path, $"expected an object, found {Describe(item)}");
                continue;
            }

            if (read(item, path) is { } value)
            {
                list.Add(value);
            }
        }

        return list;
    }

    protected List<string>? StringArray(JsonElement parent, string parentPath, string name)
    {
        if (!Get(parent, parentPath, name, required: false, JsonValueKind.Array, "an array of strings", out var array))
        {
            return null;
        }

        var list = new List<string>();
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
            {
                Error($"{Join(parentPath, name)}[{i}]", $"expected a non-empty string, found {Describe(item)}");
            }
            else
            {
                list.Add(item.GetString()!);
            }

            i++;
        }

        return list;
    }

    protected string? String(JsonElement parent, string parentPath, string name, bool required, string expected)
    {
        if (!Get(parent, parentPath, name, required, JsonValueKind.String, expected, out var element))
        {
            return null;
        }

        var value = element.GetString();
        if (string.IsNullOrWhiteSpace(value))
        {
            Error(Join(parentPath, name), $"the string is empty; expected {expected}");
            return null;
        }

        return value;
    }

    protected string? Enum(JsonElement parent, string parentPath, string name, IReadOnlyList<string> allowed, bool required = false)
    {
        var value = String(parent, parentPath, name, required, $"one of {string.Join(", ", allowed)}");
        if (value is not null && !allowed.Contains(value))
        {
            Error(Join(parentPath, name), $"unknown value '{value}'; expected one of {string.Join(", ", allowed)}");
            return null;
        }

        return value;
    }

    protected SemanticVersion? Version(JsonElement parent, string parentPath, string name, bool required)
    {
        var text = String(parent, parentPath, name, required, "a version such as 1.2.0");
        if (text is null)
        {
            return null;
        }

        if (!SemanticVersion.TryParse(text, out var version))
        {
            Error(Join(parentPath, name), $"'{text}' is not a version; expected major.minor.patch such as 1.2.0, optionally with -prerelease");
        }

        return version;
    }

    protected VersionRange? Range(JsonElement parent, string parentPath, string name, bool required)
    {
        var text = String(parent, parentPath, name, required, "a version range such as [1.0,2.0)");
        if (text is null)
        {
            return null;
        }

        if (!VersionRange.TryParse(text, out var range, out var error))
        {
            Error(Join(parentPath, name), error);
        }

        return range;
    }

    protected DateTimeOffset? Date(JsonElement parent, string parentPath, string name)
    {
        var text = String(parent, parentPath, name, required: false, "an ISO 8601 date such as 2026-01-31T00:00:00Z");
        if (text is null)
        {
            return null;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            Error(Join(parentPath, name), $"'{text}' is not a date; expected an ISO 8601 date such as 2026-01-31T00:00:00Z");
            return null;
        }

        return date;
    }

    protected int? Int(JsonElement parent, string parentPath, string name, bool required, int min)
    {
        var value = Long(parent, parentPath, name, min, required);
        if (value > int.MaxValue)
        {
            Error(Join(parentPath, name), $"{value} is too large; expected at most {int.MaxValue}");
            return null;
        }

        return (int?)value;
    }

    protected long? Long(JsonElement parent, string parentPath, string name, long min, bool required = false)
    {
        var expected = min == 0 ? "a whole number, 0 or more" : $"a whole number, {min} or more";
        if (!Get(parent, parentPath, name, required, JsonValueKind.Number, expected, out var element))
        {
            return null;
        }

        if (!element.TryGetInt64(out var value) || value < min)
        {
            Error(Join(parentPath, name), $"{element.GetRawText()} is out of range; expected {expected}");
            return null;
        }

        return value;
    }

    protected double? Double(JsonElement parent, string parentPath, string name)
    {
        if (!Get(parent, parentPath, name, required: false, JsonValueKind.Number, "a number between 0 and 1", out var element))
        {
            return null;
        }

        var value = element.GetDouble();
        if (value is < 0 or > 1)
        {
            Error(Join(parentPath, name), $"{element.GetRawText()} is out of range; expected a number between 0 and 1");
            return null;
        }

        return value;
    }

    protected bool Get(JsonElement parent, string parentPath, string name, bool required, JsonValueKind kind, string expected, out JsonElement element)
    {
        if (!parent.TryGetProperty(name, out element) || element.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Error(Join(parentPath, name), $"the field is missing; expected {expected}");
            }

            return false;
        }

        if (element.ValueKind != kind && !(kind == JsonValueKind.True && element.ValueKind == JsonValueKind.False))
        {
            Error(Join(parentPath, name), $"expected {expected}, found {Describe(element)}");
            return false;
        }

        return true;
    }

    protected void WarnUnknown(JsonElement element, string path, params string[] known)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                Warnings.Add(new ManifestError(source, Join(path, property.Name), $"unknown field, ignored; known fields here are {string.Join(", ", known)}"));
            }
        }
    }

    protected void Error(string path, string message) => Errors.Add(new ManifestError(source, path, message));

    protected static string Join(string parent, string name) => parent.Length == 0 ? name : $"{parent}.{name}";

    protected static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{element.GetString()}\"",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {element.GetRawText()}",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };
}
