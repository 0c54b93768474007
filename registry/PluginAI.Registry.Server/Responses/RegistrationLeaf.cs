using System.Text.Json.Serialization;

namespace PluginAI.Registry.Server.Responses;

/// <summary>A package version's own registration leaf (<c>/v3/registration/{id}/{version}.json</c>).</summary>
internal sealed record RegistrationLeaf(
    [property: JsonPropertyName("@id")] string Id,
    [property: JsonPropertyName("@type")] IReadOnlyList<string> Type,
    bool Listed,
    DateTimeOffset Published,
    DateTimeOffset CommitTimeStamp,
    CatalogEntry CatalogEntry,
    string PackageContent,
    string Registration);
