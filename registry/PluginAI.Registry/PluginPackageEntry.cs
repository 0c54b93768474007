namespace PluginAI.Registry;

/// <summary>One file under <c>plugin/</c> in a package.</summary>
/// <param name="Path">The path relative to the plugin folder, with forward slashes, as the manifest spells it.</param>
/// <param name="EntryName">The raw zip entry name.</param>
/// <param name="Length">The uncompressed size the zip header claims; never trusted for extraction.</param>
/// <param name="CompressedLength">The compressed size.</param>
public sealed record PluginPackageEntry(string Path, string EntryName, long Length, long CompressedLength);
