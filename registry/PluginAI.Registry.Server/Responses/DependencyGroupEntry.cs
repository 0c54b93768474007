using System.Text.Json.Serialization;

namespace PluginAI.Registry.Server.Responses;

/// <summary>A dependency group in a catalog entry; the target framework is left out for the group that applies to any.</summary>
internal sealed record DependencyGroupEntry(
    [property: JsonPropertyName("@id")] string Id,
    [property: JsonPropertyName("@type")] string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TargetFramework,
    IReadOnlyList<DependencyEntry> Dependencies);
