using System.Text.Json.Serialization;

namespace PluginAI.Registry.Server.Responses;

/// <summary>A package version inline in a registration page.</summary>
internal sealed record RegistrationPageLeaf(
    [property: JsonPropertyName("@id")] string Id,
    [property: JsonPropertyName("@type")] string Type,
    DateTimeOffset CommitTimeStamp,
    CatalogEntry CatalogEntry,
    string PackageContent,
    string Registration);
