using PluginAI.Manifest;

namespace PluginAI.Registry;

/// <summary>What <see cref="PluginPackageBuilder"/> produced.</summary>
/// <param name="PackagePath">The <c>.nupkg</c> written.</param>
/// <param name="Manifest">The manifest in the package, with its <c>files</c> list.</param>
/// <param name="ManifestBytes">The exact bytes of the package's <c>pluginai.json</c>.</param>
/// <param name="SignerKeyId">The key id that signed the manifest, or <see langword="null"/> when unsigned.</param>
public sealed record PluginPackageBuildResult(string PackagePath, PluginManifest Manifest, byte[] ManifestBytes, string? SignerKeyId);
