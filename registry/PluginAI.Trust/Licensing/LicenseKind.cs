namespace PluginAI.Trust.Licensing;

/// <summary>Whether a licence is a full licence or a time-limited trial.</summary>
public enum LicenceKind
{
    /// <summary>A full licence (<c>"full"</c>).</summary>
    Full,

    /// <summary>A trial licence (<c>"trial"</c>); when it expires the state is trial expired.</summary>
    Trial,
}
