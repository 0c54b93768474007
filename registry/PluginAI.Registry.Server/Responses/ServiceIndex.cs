using System.Text.Json.Serialization;

namespace PluginAI.Registry.Server.Responses;

/// <summary>The NuGet v3 service index (<c>/v3/index.json</c>).</summary>
internal sealed record ServiceIndex(
    string Version,
    IReadOnlyList<ServiceResource> Resources,
    [property: JsonPropertyName("@context")] ServiceIndexVocabulary Context);
