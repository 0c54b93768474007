using PluginAI.Manifest;

namespace PluginAI;

/// <summary>The version of the plugin API defined by this assembly.</summary>
/// <remarks>
/// A plugin declares the range of API versions it works with in <c>hostApi</c>; the host refuses a plugin whose
/// range does not contain <see cref="Version"/>. The minor version grows with additions; the major version
/// grows with breaking changes. docs/plugin-api.md lists what changed in each version.
/// </remarks>
public static class PluginApi
{
    /// <summary>Gets the plugin API version implemented by this build of the contracts.</summary>
    public static SemanticVersion Version { get; } = new(2, 1, 0);
}
