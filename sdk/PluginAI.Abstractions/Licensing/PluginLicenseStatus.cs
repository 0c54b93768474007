namespace PluginAI.Licensing;

/// <summary>The license state of a plugin as the host evaluated it before loading.</summary>
public enum PluginLicenseStatus
{
    /// <summary>A free plugin; no license needed.</summary>
    Free,

    /// <summary>A valid license for this product (and this machine, when bound).</summary>
    Licensed,

    /// <summary>In its trial period: a trial license, or no license and the manifest offers a trial.</summary>
    Trial,

    /// <summary>The trial period is over and there is no license.</summary>
    TrialExpired,

    /// <summary>The license has expired.</summary>
    Expired,

    /// <summary>The license is bound to another machine.</summary>
    WrongMachine,

    /// <summary>The license is for another product.</summary>
    WrongProduct,

    /// <summary>The license file is malformed, altered, or signed by a key that is not trusted to sign this plugin's licenses.</summary>
    Invalid,

    /// <summary>A paid plugin with no license.</summary>
    Missing,

    /// <summary>The system clock is earlier than a time already seen, so expiry cannot be checked.</summary>
    ClockRollback,
}
