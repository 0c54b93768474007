using System.Text.Json.Serialization;

namespace PluginAI.Registry.Server.Responses;

/// <summary>The metadata of a package version in a registration leaf.</summary>
internal sealed record CatalogEntry(
    [property: JsonPropertyName("@id")] string Id,
    [property: JsonPropertyName("@type")] string Type,
    [property: JsonPropertyName("id")] string PackageId,
    string Version,
    string Authors,
    string Description,
    string Summary,
    string Title,
    string IconUrl,
    string LicenseUrl,
    string LicenseExpression,
    string ProjectUrl,
    bool Listed,
    DateTimeOffset Published,
    bool RequireLicenseAcceptance,
    string PackageContent,
    IReadOnlyList<string> Tags,
    IReadOnlyList<DependencyGroupEntry> DependencyGroups);
