namespace PluginAI.Registry;

/// <summary>An installed plugin as <c>pluginai list</c> shows it.</summary>
/// <param name="Id">The plugin id.</param>
/// <param name="Version">The active version.</param>
/// <param name="Variant">The variant installed, or <see langword="null"/> for the base build.</param>
/// <param name="Source">The source it came from.</param>
/// <param name="PublisherKeyId">The key that signed it, or <see langword="null"/>.</param>
/// <param name="PublisherName">That key's name, or <see langword="null"/>.</param>
/// <param name="Directory">The version folder the host loads.</param>
/// <param name="Problem">Why the installation is broken, or <see langword="null"/>.</param>
public sealed record InstalledPlugin(string Id, string Version, string? Variant, string Source, string? PublisherKeyId, string? PublisherName, string Directory, string? Problem = null);
