using PluginAI.Manifest;

namespace PluginAI.Registry;

/// <summary>What a local feed's package says about itself, read once per file version.</summary>
/// <param name="Id">The package id.</param>
/// <param name="Version">The normalised package version.</param>
/// <param name="Description">The nuspec description.</param>
/// <param name="Tags">The nuspec tags.</param>
/// <param name="Manifest">The manifest, or <see langword="null"/> when the package is not a valid plugin package.</param>
/// <param name="Problem">Why the package is not usable, or <see langword="null"/>.</param>
/// <param name="Signed">Whether the package carries <c>pluginai.sig</c>.</param>
public sealed record CachedPackageInfo(string Id, string Version, string? Description, IReadOnlyList<string> Tags, PluginManifest? Manifest, string? Problem, bool Signed);
