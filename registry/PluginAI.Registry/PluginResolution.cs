using PluginAI.Manifest.Compatibility;

namespace PluginAI.Registry;

/// <summary>The version and build of a plugin chosen for this machine, and why.</summary>
/// <param name="Package">The chosen version, or <see langword="null"/> when none fits.</param>
/// <param name="Variant">The chosen variant, or <see langword="null"/> for the base build.</param>
/// <param name="Compatibility">The host's compatibility report for the chosen version.</param>
/// <param name="Explanation">A line per version and build considered: taken or skipped, and why.</param>
public sealed record PluginResolution(PluginPackageCandidate? Package, string? Variant, CompatibilityReport? Compatibility, IReadOnlyList<string> Explanation)
{
    /// <summary>Gets a value indicating whether a version was chosen.</summary>
    public bool Found => Package is not null;
}
