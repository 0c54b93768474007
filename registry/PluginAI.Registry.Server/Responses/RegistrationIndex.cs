using System.Text.Json.Serialization;

namespace PluginAI.Registry.Server.Responses;

/// <summary>A package's registration index (<c>/v3/registration/{id}/index.json</c>), every version on one inline page.</summary>
internal sealed record RegistrationIndex(
    [property: JsonPropertyName("@id")] string Id,
    [property: JsonPropertyName("@type")] IReadOnlyList<string> Type,
    int Count,
    IReadOnlyList<RegistrationPage> Items);
