namespace PluginAI.Trust;

/// <summary>What a trusted key may sign.</summary>
[Flags]
public enum KeyRole
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Plugin packages (the manifest that hashes every file).</summary>
    Publisher = 1,

    /// <summary>Certification records of hardware vendors.</summary>
    Certifier = 2,

    /// <summary>A registry's signed index.</summary>
    Registry = 4,

    /// <summary>Licenses of paid plugins.</summary>
    Vendor = 8,
}
