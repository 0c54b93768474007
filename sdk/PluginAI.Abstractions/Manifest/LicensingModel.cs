namespace PluginAI.Manifest;

/// <summary>The licensing model of a plugin.</summary>
public enum LicensingModel
{
    /// <summary>Free to use (<c>"free"</c>).</summary>
    Free,

    /// <summary>Usable for a trial period, then needs a license (<c>"trial"</c>).</summary>
    Trial,

    /// <summary>Needs a license file signed by the vendor (<c>"paid"</c>).</summary>
    Paid,
}
