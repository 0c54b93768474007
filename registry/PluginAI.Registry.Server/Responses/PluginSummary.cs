using System.Text.Json.Serialization;

namespace PluginAI.Registry.Server.Responses;

/// <summary>
/// What PluginAI knows of a plugin version. Inside a NuGet search result the NuGet fields already name the package, so
/// the identity fields and the version list are left out there.
/// </summary>
internal sealed record PluginSummary
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Id { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Version { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DisplayName { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Description { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Authors { get; init; }

    public required IReadOnlyList<string> Kinds { get; init; }

    public string? HostApi { get; init; }

    public required RawJson Requirements { get; init; }

    public required IReadOnlyList<string> Variants { get; init; }

    public required string Licensing { get; init; }

    public bool Certified { get; init; }

    public bool Signed { get; init; }

    public required string Manifest { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Versions { get; init; }
}
