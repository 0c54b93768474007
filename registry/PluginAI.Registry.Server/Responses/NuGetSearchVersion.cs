using System.Text.Json.Serialization;

namespace PluginAI.Registry.Server.Responses;

/// <summary>One version of a package in a NuGet search result.</summary>
internal sealed record NuGetSearchVersion(
    string Version,
    long Downloads,
    [property: JsonPropertyName("@id")] string Id);
