using PluginAI.Hardware;
using PluginAI.Manifest;
using PluginAI.Trust;

namespace PluginAI.Registry;

/// <summary>Decides the certification status of a plugin on this machine.</summary>
public interface ICertificationCheck
{
    /// <summary>Checks a plugin with the records its manifest carries and any this check finds itself.</summary>
    /// <param name="manifest">The plugin's manifest.</param>
    /// <param name="hardware">This machine.</param>
    /// <returns>The status.</returns>
    CertificationStatus Check(PluginManifest manifest, HardwareProfile hardware);

    /// <summary>Checks a plugin with, in addition, the signed records a package source serves for it, and says why.</summary>
    /// <param name="manifest">The plugin's manifest.</param>
    /// <param name="hardware">This machine.</param>
    /// <param name="sourceRecords">Certification envelopes served by the source (<c>/pluginai/v1/certifications/{id}</c>); empty when it serves none.</param>
    /// <returns>The status and the reason.</returns>
    CertificationVerdict Evaluate(PluginManifest manifest, HardwareProfile hardware, IReadOnlyList<SignedEnvelope> sourceRecords)
    {
        var status = Check(manifest, hardware);
        return new CertificationVerdict(status, status switch
        {
            CertificationStatus.Certified => "certified",
            CertificationStatus.NotCertified => "not certified for this version or machine",
            _ => "no certification records",
        }, []);
    }
}
