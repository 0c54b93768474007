namespace PluginAI.Registry;

/// <summary>Whether a plugin is certified for this machine's hardware.</summary>
public enum CertificationStatus
{
    /// <summary>Nothing is known: no certification record exists for this plugin (in the manifest, the local store or the source).</summary>
    Unknown,

    /// <summary>A valid record of a trusted certifier covers this plugin version on at least one device of this machine.</summary>
    Certified,

    /// <summary>Records exist, but none is valid for this version on this machine: they cover other devices or versions, expired, or their signer is not a trusted certifier.</summary>
    NotCertified,
}
