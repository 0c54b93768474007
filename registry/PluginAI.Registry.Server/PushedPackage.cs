using NuGet.Packaging;
using NuGet.Versioning;
using PluginAI.Manifest;

namespace PluginAI.Registry.Server;

/// <summary>A package received by a push, before it is stored.</summary>
/// <remarks>
/// The built-in <see cref="ManifestPushValidator"/> runs first and refuses a package whose <see cref="Problem"/> is set,
/// or whose manifest is missing or not valid; validators in <see cref="RegistryServerOptions.PushValidators"/> therefore
/// always see <see cref="Version"/> and <see cref="Nuspec"/> set, and either <see cref="Manifest"/> (a plugin package)
/// or <see cref="ModelManifest"/> (a model package, <see cref="IsModelPackage"/>).
/// </remarks>
public sealed class PushedPackage
{
    internal PushedPackage(string filePath, string sha256, long size)
    {
        FilePath = filePath;
        Sha256 = sha256;
        Size = size;
    }

    /// <summary>Gets the package id from the nuspec, or an empty string when the nuspec could not be read.</summary>
    public string Id { get; internal set; } = string.Empty;

    /// <summary>Gets the package version from the nuspec, or <see langword="null"/> when the nuspec could not be read.</summary>
    public NuGetVersion? Version { get; internal set; }

    /// <summary>Gets the path of the temporary file holding the package; valid only while validators run.</summary>
    public string FilePath { get; }

    /// <summary>Gets the SHA-256 of the package file in lower-case hex.</summary>
    public string Sha256 { get; }

    /// <summary>Gets the size of the package file in bytes.</summary>
    public long Size { get; }

    /// <summary>Gets the parsed nuspec, or <see langword="null"/> when it is missing or not valid.</summary>
    public NuspecReader? Nuspec { get; internal set; }

    /// <summary>Gets why the file is not a readable package (not a zip, no nuspec, a bad id or version), or <see langword="null"/>.</summary>
    public string? Problem { get; internal set; }

    /// <summary>Gets the exact bytes of the manifest at the package root (<c>pluginai.json</c> for a plugin, <c>pluginai-model.json</c> for a model), or <see langword="null"/> when there is none.</summary>
    public ReadOnlyMemory<byte>? ManifestBytes { get; internal set; }

    /// <summary>Gets the result of reading the manifest with <see cref="PluginAI.Manifest.ManifestReader"/>, or <see langword="null"/> when there is none.</summary>
    public ManifestReadResult? ManifestResult { get; internal set; }

    /// <summary>Gets the valid manifest, or <see langword="null"/> when it is missing or has errors.</summary>
    public PluginManifest? Manifest => ManifestResult?.Manifest;

    /// <summary>Gets the model manifest of a model package, or <see langword="null"/> when the package is not one or its <c>pluginai-model.json</c> is not valid.</summary>
    public PluginAI.Registry.ModelPackageManifest? ModelManifest { get; internal set; }

    /// <summary>Gets why <c>pluginai-model.json</c> is not valid, or <see langword="null"/>.</summary>
    public string? ModelManifestProblem { get; internal set; }

    /// <summary>Gets a value indicating whether the package is a model package: it holds <c>pluginai-model.json</c> at its root.</summary>
    public bool IsModelPackage => ModelManifest is not null || ModelManifestProblem is not null;

    /// <summary>Gets a value indicating whether the package holds <c>pluginai.sig</c> at its root.</summary>
    public bool HasSignature { get; internal set; }

    /// <summary>Gets the key id that <c>pluginai.sig</c> names as the signer, or <see langword="null"/> when the package is unsigned or the signature cannot be read. The registry does not verify the signature itself; clients do.</summary>
    public string? SignerKeyId { get; internal set; }

    /// <summary>Opens the package file for reading.</summary>
    /// <returns>A read-only stream; the caller disposes it.</returns>
    public Stream OpenRead() => new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous);
}
