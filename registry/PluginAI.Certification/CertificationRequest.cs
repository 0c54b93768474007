using PluginAI.Backends;
using PluginAI.Hardware;
using PluginAI.Manifest;
using PluginAI.Trust;
using PluginAI.Trust.Certification;

namespace PluginAI.Certification;

/// <summary>What <see cref="CertificationWorkflow.CertifyAsync"/> certifies, where it writes, and what the record claims.</summary>
public sealed record CertificationRequest
{
    /// <summary>Gets the backend under test, loaded by the caller; the workflow does not dispose it.</summary>
    public required IInferenceBackend Backend { get; init; }

    /// <summary>Gets the request for the small model the suite loads.</summary>
    public required ModelLoadRequest Model { get; init; }

    /// <summary>Gets the manifest of the plugin under test (its id and version name the report and the record).</summary>
    public required PluginManifest Plugin { get; init; }

    /// <summary>Gets the machine the suite runs on.</summary>
    public required HardwareProfile Hardware { get; init; }

    /// <summary>Gets the folder the report and the record are written to.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Gets the certifier key that signs the record; <see langword="null"/> writes only the report.</summary>
    public SigningKey? CertifierKey { get; init; }

    /// <summary>Gets the certifier's name in the record; <see langword="null"/> for the key's name.</summary>
    public string? Certifier { get; init; }

    /// <summary>Gets the plugin versions the record covers; <see langword="null"/> for exactly the version tested.</summary>
    public VersionRange? Versions { get; init; }

    /// <summary>Gets the devices the record covers; <see langword="null"/> for this machine's (see <see cref="CertificationWorkflow.DefaultDevices"/>).</summary>
    public IReadOnlyList<CertificationDevice>? Devices { get; init; }

    /// <summary>Gets the driver versions the default devices cover; <see langword="null"/> for any.</summary>
    public VersionRange? Drivers { get; init; }

    /// <summary>Gets when the record expires; <see langword="null"/> for one year from now.</summary>
    public DateTimeOffset? Expires { get; init; }
}
