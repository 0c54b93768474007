using System.Text.Json.Serialization;

namespace PluginAI.Registry.Server.Responses;

/// <summary>A dependency in a catalog entry.</summary>
internal sealed record DependencyEntry(
    [property: JsonPropertyName("@id")] string Id,
    [property: JsonPropertyName("@type")] string Type,
    [property: JsonPropertyName("id")] string PackageId,
    string Range,
    string Registration);
