using PluginAI.Hardware;
using PluginAI.Manifest;

namespace PluginAI.Registry;

/// <summary>Reads the certification records the manifest carries without verifying their signatures; kept for callers that have no trust policy. <see cref="TrustedCertificationCheck"/> is the default.</summary>
public sealed class ManifestCertificationCheck : ICertificationCheck
{
    /// <summary>Gets the shared instance.</summary>
    public static ManifestCertificationCheck Instance { get; } = new();

    /// <inheritdoc />
    public CertificationStatus Check(PluginManifest manifest, HardwareProfile hardware)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(hardware);
        if (manifest.Certifications.Count == 0)
        {
            return CertificationStatus.Unknown;
        }

        var covered = manifest.Certifications.Any(c =>
            string.Equals(c.PluginId, manifest.Id, StringComparison.OrdinalIgnoreCase)
            && c.Versions.Contains(manifest.Version)
            && (c.Expires is null || c.Expires > DateTimeOffset.UtcNow)
            && (c.Devices.Count == 0 || c.Devices.Any(d => hardware.Accelerators.Any(a => string.Equals(a.Vendor, d.Vendor, StringComparison.OrdinalIgnoreCase)))));
        return covered ? CertificationStatus.Certified : CertificationStatus.NotCertified;
    }
}
