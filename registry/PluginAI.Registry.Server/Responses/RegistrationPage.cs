using System.Text.Json.Serialization;

namespace PluginAI.Registry.Server.Responses;

/// <summary>A page of a registration index with its leaves inline.</summary>
internal sealed record RegistrationPage(
    [property: JsonPropertyName("@id")] string Id,
    [property: JsonPropertyName("@type")] string Type,
    int Count,
    string Lower,
    string Upper,
    string Parent,
    IReadOnlyList<RegistrationPageLeaf> Items);
