namespace PluginAI.Manifest;

/// <summary>The hash of one file of a plugin package.</summary>
/// <param name="Path">The path relative to the plugin folder, with forward slashes.</param>
/// <param name="Sha256">The SHA-256 of the file in lower-case hex.</param>
/// <param name="Size">The size in bytes.</param>
public sealed record PackageFileHash(string Path, string Sha256, long Size);
