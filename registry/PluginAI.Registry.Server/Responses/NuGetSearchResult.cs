using System.Text.Json.Serialization;

namespace PluginAI.Registry.Server.Responses;

/// <summary>One package in a NuGet search answer, with PluginAI's summary under <c>pluginai</c>.</summary>
internal sealed record NuGetSearchResult(
    [property: JsonPropertyName("@id")] string Id,
    [property: JsonPropertyName("@type")] string Type,
    string Registration,
    [property: JsonPropertyName("id")] string PackageId,
    string Version,
    string Description,
    string Summary,
    string Title,
    string LicenseUrl,
    string ProjectUrl,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> Authors,
    IReadOnlyList<string> Owners,
    long TotalDownloads,
    bool Verified,
    IReadOnlyList<NuGetPackageType> PackageTypes,
    IReadOnlyList<NuGetSearchVersion> Versions,
    [property: JsonPropertyName("pluginai")] PluginSummary PluginAI);
