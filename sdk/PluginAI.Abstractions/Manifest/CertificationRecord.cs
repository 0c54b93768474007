namespace PluginAI.Manifest;

/// <summary>A hardware vendor's statement that a plugin passed the conformance suite on its devices.</summary>
public sealed record CertificationRecord
{
    /// <summary>Gets the certifier, such as <c>nvidia</c>.</summary>
    public required string Certifier { get; init; }

    /// <summary>Gets the id of the certified plugin.</summary>
    public required string PluginId { get; init; }

    /// <summary>Gets the plugin versions the record covers.</summary>
    public required VersionRange Versions { get; init; }

    /// <summary>Gets the devices the record covers.</summary>
    public IReadOnlyList<CertifiedDevice> Devices { get; init; } = [];

    /// <summary>Gets the version of the conformance suite that was run.</summary>
    public string? SuiteVersion { get; init; }

    /// <summary>Gets the SHA-256 of the conformance report, in lower-case hex.</summary>
    public string? ReportSha256 { get; init; }

    /// <summary>Gets when the record expires.</summary>
    public DateTimeOffset? Expires { get; init; }

    /// <summary>Gets the id of the key that signed the record.</summary>
    public string? KeyId { get; init; }

    /// <summary>Gets the base64 signature over the record's canonical form.</summary>
    public string? Signature { get; init; }
}
