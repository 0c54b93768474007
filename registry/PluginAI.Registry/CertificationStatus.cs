using PluginAI.Hardware;
using PluginAI.Manifest;

namespace PluginAI.Registry;

/// <summary>Whether a plugin is certified for this machine's hardware.</summary>
public enum CertificationStatus
{
    /// <summary>Nothing is known: the package carries no certification records for this plugin and version.</summary>
    Unknown,

    /// <summary>A certification record covers this plugin version (and this machine's device vendor, where it names devices).</summary>
    Certified,

    /// <summary>Records exist, but none covers this version or this machine's devices, or they expired.</summary>
    NotCertified,
}

/// <summary>Decides the certification status of a plugin; replace it to check signed certification records against the trust policy.</summary>
public interface ICertificationCheck
{
    /// <summary>Checks a plugin.</summary>
    /// <param name="manifest">The plugin's manifest.</param>
    /// <param name="hardware">This machine.</param>
    /// <returns>The status.</returns>
    CertificationStatus Check(PluginManifest manifest, HardwareProfile hardware);
}

/// <summary>The default check: reads the certification records the manifest carries, without verifying their signatures.</summary>
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
