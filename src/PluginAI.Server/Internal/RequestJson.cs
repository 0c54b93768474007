using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace PluginAI.Server.Internal;

/// <summary>Reads a JSON request body with the size limit checked before and while reading, and typed fields that name themselves in errors.</summary>
internal static class RequestJson
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    public static async Task<JsonDocument> ReadAsync(HttpContext context, long maxBytes)
    {
        var request = context.Request;
        if (request.ContentLength > maxBytes)
        {
            throw new ApiException(413, $"The request body is {request.ContentLength} bytes; this server accepts at most {maxBytes} for a JSON request.", null, "request_too_large");
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        // Only JSON: a web page can send form and text/plain bodies to a loopback server without the browser asking first, so
        // accepting them would let any site a user visits spend this machine's compute.
        if (request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiException(415, $"The request body must be JSON (Content-Type: application/json); got '{type}'.", null, "unsupported_media_type");
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, DocumentOptions, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new ApiException(400, $"The request body is not valid JSON: {ex.Message}", null, "invalid_json");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = Describe(document.RootElement.ValueKind);
            document.Dispose();
            throw new ApiException(400, $"The request body must be a JSON object; got {kind}.", null, "invalid_json");
        }

        return document;
    }

    public static bool TryGet(JsonElement parent, string name, out JsonElement value)
    {
        if (parent.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        value = default;
        return false;
    }

    public static string RequiredString(JsonElement parent, string name, string param)
    {
        if (!TryGet(parent, name, out var value))
        {
            throw ApiException.BadRequest(param, $"'{param}' is required.", "missing_required_parameter");
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw ApiException.BadRequest(param, $"'{param}' must be a string; got {Describe(value.ValueKind)}.");
    }

    public static string? OptionalString(JsonElement parent, string name, string param) =>
        !TryGet(parent, name, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw ApiException.BadRequest(param, $"'{param}' must be a string; got {Describe(value.ValueKind)}.");

    public static bool? OptionalBool(JsonElement parent, string name, string param) =>
        !TryGet(parent, name, out var value) ? null
        : value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean()
        : throw ApiException.BadRequest(param, $"'{param}' must be true or false; got {Describe(value.ValueKind)}.");

    public static double? OptionalNumber(JsonElement parent, string name, double min, double max)
    {
        if (!TryGet(parent, name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || double.IsNaN(number) || number < min || number > max)
        {
            throw ApiException.BadRequest(name, $"'{name}' must be a number from {min} to {max}; got {Show(value)}.");
        }

        return number;
    }

    public static long? OptionalInteger(JsonElement parent, string name, long min, long max, string? hint = null)
    {
        if (!TryGet(parent, name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number) || number < min || number > max)
        {
            throw ApiException.BadRequest(name, $"'{name}' must be an integer from {min} to {max}{hint}; got {Show(value)}.");
        }

        return number;
    }

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string Show(JsonElement value)
    {
        var text = value.GetRawText();
        return text.Length > 40 ? text[..40] + "…" : text;
    }
}
