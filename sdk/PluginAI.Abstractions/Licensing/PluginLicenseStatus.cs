namespace PluginAI.Licensing;

/// <summary>The licence state of a plugin as the host evaluated it before loading.</summary>
public enum PluginLicenseStatus
{
    /// <summary>A free plugin; no licence needed.</summary>
    Free,

    /// <summary>A valid licence for this product (and this machine, when bound).</summary>
    Licensed,

    /// <summary>In its trial period: a trial licence, or no licence and the manifest offers a trial.</summary>
    Trial,

    /// <summary>The trial period is over and there is no licence.</summary>
    TrialExpired,

    /// <summary>The licence has expired.</summary>
    Expired,

    /// <summary>The licence is bound to another machine.</summary>
    WrongMachine,

    /// <summary>The licence is for another product.</summary>
    WrongProduct,

    /// <summary>The licence file is malformed, altered, or signed by a key that is not trusted to sign this plugin's licences.</summary>
    Invalid,

    /// <summary>A paid plugin with no licence.</summary>
    Missing,

    /// <summary>The system clock is earlier than a time already seen, so expiry cannot be checked.</summary>
    ClockRollback,
}
