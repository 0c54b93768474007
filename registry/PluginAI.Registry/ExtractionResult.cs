namespace PluginAI.Registry;

/// <summary>What <see cref="SafePackageExtractor"/> wrote.</summary>
/// <param name="Directory">The folder extracted into.</param>
/// <param name="Files">The plugin files written, relative to the folder.</param>
/// <param name="TotalBytes">The bytes written, manifest and signature excluded.</param>
public sealed record ExtractionResult(string Directory, IReadOnlyList<string> Files, long TotalBytes);
