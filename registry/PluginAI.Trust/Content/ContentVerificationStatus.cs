namespace PluginAI.Trust.Content;

/// <summary>The verdict on a plugin's content.</summary>
public enum ContentVerificationStatus
{
    /// <summary>Signed by a trusted publisher key, and every file matches the manifest.</summary>
    Trusted,

    /// <summary>Unsigned, signed by an untrusted key or not packed, and let through because unsigned plugins are allowed.</summary>
    AllowedUnverified,

    /// <summary>Refused: see <see cref="ContentVerificationResult.Problems"/>.</summary>
    Refused,
}
