using PluginAI.Manifest;

namespace PluginAI.Trust.Certification;

/// <summary>What a certifier states when it certifies a plugin: which plugin versions, on which devices, until when.</summary>
public sealed record CertificationClaims
{
    /// <summary>Gets the certifier's name in lower case, such as <c>nvidia</c>; it names the stored record file.</summary>
    public required string Certifier { get; init; }

    /// <summary>Gets the id of the certified plugin.</summary>
    public required string PluginId { get; init; }

    /// <summary>Gets the plugin versions covered, such as <c>[1.0,2.0)</c>.</summary>
    public required VersionRange Versions { get; init; }

    /// <summary>Gets the devices covered; at least one.</summary>
    public required IReadOnlyList<CertificationDevice> Devices { get; init; }

    /// <summary>Gets the version of the conformance suite the plugin passed (<c>PluginAI.Conformance.ConformanceSuite.Version</c>).</summary>
    public required string SuiteVersion { get; init; }

    /// <summary>Gets when the record expires.</summary>
    public required DateTimeOffset Expires { get; init; }

    /// <summary>Gets when the record is issued; <see langword="null"/> for the time of issue.</summary>
    public DateTimeOffset? Issued { get; init; }
}
