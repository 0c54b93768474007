using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PluginAI.Processing;

namespace PluginAI.Documents.Internal;

/// <summary>Reads JSON as flattened key paths: one line <c>path: value</c> per leaf, such as <c>server.ports[0]: 8080</c>.</summary>
/// <remarks>
/// A line that names its whole path is understandable on its own, which pretty-printed JSON cut into chunks is not.
/// Each top-level property is a section, whose heading path is the property name when its value is an object or an
/// array; each element of a top-level array is a section. Strings are written without quotes; keys that are empty or
/// hold <c>.</c>, <c>[</c>, <c>]</c> or white space are written as <c>["key"]</c>. Comments and trailing commas are
/// accepted; invalid JSON is reported as <see cref="PluginException"/>.
/// </remarks>
internal sealed class JsonParser(ILogger logger) : DocumentParser
{
    /// <summary>The deepest nesting read; deeper documents are rejected rather than risk the stack.</summary>
    public const int MaxDepth = 64;

    public override PreprocessorMetadata Metadata { get; } = new("json")
    {
        Order = 100,
        MediaTypes = [DocumentMediaTypes.Json],
        Extensions = [".json"],
    };

    protected override string FormatName => "JSON";

    protected override DocumentContent Parse(DocumentContent document, CancellationToken cancellationToken)
    {
        var text = TextDecoder.Decode(document, logger);
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(text, new JsonDocumentOptions
            {
                AllowTrailingCommas = true,
                CommentHandling = JsonCommentHandling.Skip,
                MaxDepth = MaxDepth,
            });
        }
        catch (JsonException ex)
        {
            throw new PluginException($"'{document.SourcePath}' is not valid JSON: {ex.Message}", ex)
            {
                FilePath = document.SourcePath,
                ErrorCode = DocumentErrors.CorruptCode,
            };
        }

        using (json)
        {
            var sections = new SectionWriter();
            var path = new StringBuilder();
            var lines = new StringBuilder();
            var root = json.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in root.EnumerateObject())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    path.Clear();
                    AppendKey(path, property.Name);
                    lines.Clear();
                    Flatten(property.Value, path, lines);
                    var isContainer = property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array;
                    sections.Add(lines.ToString(), isContainer ? property.Name : null);
                }
            }
            else if (root.ValueKind == JsonValueKind.Array)
            {
                var index = 0;
                foreach (var element in root.EnumerateArray())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    path.Clear().Append('[').Append(index++).Append(']');
                    lines.Clear();
                    Flatten(element, path, lines);
                    sections.Add(lines.ToString());
                }
            }
            else
            {
                lines.Clear();
                Flatten(root, path, lines);
                sections.Add(lines.ToString());
            }

            return document with { Sections = sections.ToSections() };
        }
    }

    private static void Flatten(JsonElement element, StringBuilder path, StringBuilder lines)
    {
        var length = path.Length;
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var anyProperty = false;
                foreach (var property in element.EnumerateObject())
                {
                    anyProperty = true;
                    if (path.Length > 0)
                    {
                        path.Append('.');
                    }

                    AppendKey(path, property.Name);
                    Flatten(property.Value, path, lines);
                    path.Length = length;
                }

                if (!anyProperty)
                {
                    AppendLine(path, "{}", lines);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    path.Append('[').Append(index++).Append(']');
                    Flatten(item, path, lines);
                    path.Length = length;
                }

                if (index == 0)
                {
                    AppendLine(path, "[]", lines);
                }

                break;
            case JsonValueKind.String:
                AppendLine(path, element.GetString()!, lines);
                break;
            default:
                AppendLine(path, element.GetRawText(), lines);
                break;
        }
    }

    private static void AppendLine(StringBuilder path, string value, StringBuilder lines)
    {
        if (path.Length > 0)
        {
            lines.Append(path).Append(": ");
        }

        lines.Append(value).Append('\n');
    }

    private static void AppendKey(StringBuilder path, string key)
    {
        if (key.Length > 0 && key.AsSpan().IndexOfAny(".[]\" \t\n\r") < 0)
        {
            path.Append(key);
            return;
        }

        // The dot was appended for a plain key; a bracketed key replaces it.
        if (path.Length > 0 && path[^1] == '.')
        {
            path.Length--;
        }

        path.Append("[\"").Append(key.Replace("\"", "\\\"", StringComparison.Ordinal)).Append("\"]");
    }
}
