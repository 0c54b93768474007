using System.Text.Json.Serialization;

namespace PluginAI.Registry.Server.Responses;

/// <summary>One resource of the service index.</summary>
internal sealed record ServiceResource(
    [property: JsonPropertyName("@id")] string Id,
    [property: JsonPropertyName("@type")] string Type,
    string Comment);
