using System.Text.Json;
using System.Text.Json.Nodes;

namespace PluginAI.Trust;

/// <summary>Reads fields of trust documents; every error names the source and the field.</summary>
internal static class TrustFields
{
    public static JsonObject ParseObject(ReadOnlySpan<byte> json, string source, string expected)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject ?? throw new TrustException($"{source}: expected {expected}.");
        }
        catch (JsonException ex)
        {
            throw new TrustException($"{source}: not valid JSON ({ex.Message}); expected {expected}.", ex);
        }
    }

    public static void RequireFormat(JsonObject root, string format, string source)
    {
        if ((string?)(root["format"] as JsonValue) is var actual && actual != format)
        {
            throw new TrustException($"{source}: field 'format' must be '{format}'{(actual is null ? string.Empty : $", found '{actual}'")}.");
        }
    }

    public static string String(JsonObject node, string field, string where) =>
        OptionalString(node, field, where) ?? throw new TrustException($"{where}: field '{field}' is required and must be a non-empty string.");

    public static string? OptionalString(JsonObject node, string field, string where) => node[field] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) => s,
        _ => throw new TrustException($"{where}: field '{field}' must be a non-empty string."),
    };

    public static long Long(JsonObject node, string field, string where, long min) =>
        node[field] is JsonValue v && v.TryGetValue<long>(out var n) && n >= min
            ? n
            : throw new TrustException($"{where}: field '{field}' is required and must be an integer of at least {min}.");

    public static DateTimeOffset Date(JsonObject node, string field, string where) =>
        OptionalDate(node, field, where) ?? throw new TrustException($"{where}: field '{field}' is required and must be an ISO 8601 time such as 2026-11-27T10:00:00Z.");

    public static DateTimeOffset? OptionalDate(JsonObject node, string field, string where) => node[field] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) && DateTimeOffset.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var d) => d,
        _ => throw new TrustException($"{where}: field '{field}' must be an ISO 8601 time such as 2026-11-27T10:00:00Z."),
    };

    public static bool Bool(JsonObject node, string field, string where, bool fallback) => node[field] switch
    {
        null => fallback,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        _ => throw new TrustException($"{where}: field '{field}' must be true or false."),
    };

    public static JsonArray Array(JsonObject node, string field, string where, bool required) => node[field] switch
    {
        JsonArray a => a,
        null when !required => [],
        _ => throw new TrustException($"{where}: field '{field}' {(required ? "is required and " : string.Empty)}must be an array."),
    };

    public static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
