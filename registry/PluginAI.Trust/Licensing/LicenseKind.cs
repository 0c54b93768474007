namespace PluginAI.Trust.Licensing;

/// <summary>Whether a license is a full license or a time-limited trial.</summary>
public enum LicenseKind
{
    /// <summary>A full license (<c>"full"</c>).</summary>
    Full,

    /// <summary>A trial license (<c>"trial"</c>); when it expires the state is trial expired.</summary>
    Trial,
}
