namespace PluginAI.Trust.Content;

/// <summary>One file of a plugin as the verifier sees it: an entry of a package's <c>plugin/</c> folder or a file of an installed plugin folder.</summary>
/// <param name="Path">The path relative to the plugin folder, with forward slashes, as the manifest's <c>files</c> list spells it.</param>
/// <param name="Length">The length in bytes.</param>
/// <param name="Open">Opens the content for reading; the verifier disposes the stream. It may be called from a worker thread.</param>
public sealed record PackageContentEntry(string Path, long Length, Func<Stream> Open);
