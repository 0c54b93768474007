namespace PluginAI.Registry;

/// <summary>The outcome of an update.</summary>
/// <param name="Updated">Whether a newer version was installed.</param>
/// <param name="InstalledVersion">The version active before.</param>
/// <param name="Install">The installation, when one was made.</param>
/// <param name="Explanation">Why, version by version.</param>
public sealed record UpdateResult(bool Updated, string InstalledVersion, InstallResult? Install, IReadOnlyList<string> Explanation);
