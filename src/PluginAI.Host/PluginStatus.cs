namespace PluginAI.Host;

/// <summary>Where a discovered plugin stands.</summary>
public enum PluginStatus
{
    /// <summary>Loaded and in use.</summary>
    Loaded,

    /// <summary>Valid, but it does not fit this host or machine; <see cref="PluginRecord.Reason"/> says why.</summary>
    Incompatible,

    /// <summary>Its manifest is missing or not valid.</summary>
    Invalid,

    /// <summary>It threw or was malformed while loading.</summary>
    Failed,

    /// <summary>Another plugin with the same id was found first.</summary>
    Duplicate,

    /// <summary>It was loaded and has been unloaded.</summary>
    Unloaded,

    /// <summary>Its signature or files could not be verified against the trust policy; <see cref="PluginRecord.Reason"/> says why.</summary>
    Untrusted,

    /// <summary>A backend without a valid certification for this machine while the policy requires one.</summary>
    Uncertified,

    /// <summary>A paid or trial plugin without a usable license (missing, expired, for another machine or product, or a clock set back).</summary>
    Unlicensed,

    /// <summary>Its worker process ended too often in a short time; the plugin stays unused until it is reloaded.</summary>
    Faulted,
}
