using PluginAI.Manifest;

namespace PluginAI.Trust.Content;

/// <summary>
/// What a plugin consists of, whatever it came from: the exact manifest bytes, the optional signature and the files.
/// Built from an installed plugin folder with <see cref="FromDirectory"/> or from a package's entries with <see cref="FromEntries"/>.
/// </summary>
public sealed class PluginContentSource
{
    /// <summary>The file name of the detached publisher signature.</summary>
    public const string SignatureFileName = "pluginai.sig";

    private PluginContentSource(string source, byte[] manifestBytes, byte[]? signatureBytes, IReadOnlyList<PackageContentEntry> files, string displayPrefix)
    {
        Source = source;
        ManifestBytes = manifestBytes;
        SignatureBytes = signatureBytes is null ? default(ReadOnlyMemory<byte>?) : signatureBytes.AsMemory();
        Files = files;
        DisplayPrefix = displayPrefix;
    }

    /// <summary>Gets the folder or package the content came from, for messages.</summary>
    public string Source { get; }

    /// <summary>Gets the exact bytes of <c>pluginai.json</c>.</summary>
    public ReadOnlyMemory<byte> ManifestBytes { get; }

    /// <summary>Gets the bytes of <c>pluginai.sig</c>, or <see langword="null"/> when the plugin is unsigned.</summary>
    public ReadOnlyMemory<byte>? SignatureBytes { get; }

    /// <summary>Gets the plugin's files, manifest and signature excluded.</summary>
    public IReadOnlyList<PackageContentEntry> Files { get; }

    /// <summary>Gets the prefix put before file paths in messages, such as <c>plugin/</c> for a package.</summary>
    public string DisplayPrefix { get; }

    /// <summary>Reads an installed plugin folder: <c>pluginai.json</c>, the optional <c>pluginai.sig</c> and every other file below the folder.</summary>
    /// <param name="directory">The plugin folder.</param>
    /// <param name="ignoredFileNames">Names of files at the top of the folder that are not part of the plugin, such as the installer's receipt.</param>
    /// <returns>The source; file contents are read only when verified.</returns>
    /// <exception cref="TrustException">The folder or its manifest does not exist.</exception>
    public static PluginContentSource FromDirectory(string directory, IEnumerable<string>? ignoredFileNames = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var root = Path.GetFullPath(directory);
        if (!Directory.Exists(root))
        {
            throw new TrustException($"{root}: the plugin folder does not exist.");
        }

        var manifestPath = Path.Combine(root, PluginManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            throw new TrustException($"{manifestPath}: no {PluginManifest.FileName}; expected a plugin folder with a manifest.");
        }

        var ignored = new HashSet<string>(StringComparer.Ordinal) { PluginManifest.FileName, SignatureFileName };
        foreach (var name in ignoredFileNames ?? [])
        {
            ignored.Add(name);
        }

        var signaturePath = Path.Combine(root, SignatureFileName);
        var signature = File.Exists(signaturePath) ? File.ReadAllBytes(signaturePath) : null;
        var files = new List<PackageContentEntry>();
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false, ReturnSpecialDirectories = false };
        foreach (var info in new DirectoryInfo(root).EnumerateFiles("*", options))
        {
            var relative = Path.GetRelativePath(root, info.FullName).Replace(Path.DirectorySeparatorChar, '/');
            if (ignored.Contains(relative))
            {
                continue;
            }

            var full = info.FullName;
            files.Add(new PackageContentEntry(relative, info.Length, () => new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan)));
        }

        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new PluginContentSource(root, File.ReadAllBytes(manifestPath), signature, files, string.Empty);
    }

    /// <summary>Describes a package's content from its entries, as the registry client reads them from a <c>.nupkg</c>.</summary>
    /// <param name="source">The package, for messages, such as <c>Acme.Redaction.1.2.0.nupkg</c>.</param>
    /// <param name="manifestBytes">The exact bytes of the package's <c>pluginai.json</c>.</param>
    /// <param name="signatureBytes">The bytes of <c>pluginai.sig</c>, or <see langword="null"/> when the package has none.</param>
    /// <param name="files">The entries under <c>plugin/</c>, with paths relative to that folder.</param>
    /// <param name="displayPrefix">The prefix put before paths in messages.</param>
    /// <returns>The source.</returns>
    public static PluginContentSource FromEntries(string source, ReadOnlyMemory<byte> manifestBytes, ReadOnlyMemory<byte>? signatureBytes, IEnumerable<PackageContentEntry> files, string displayPrefix = "plugin/")
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(displayPrefix);
        return new PluginContentSource(source, manifestBytes.ToArray(), signatureBytes?.ToArray(), [.. files], displayPrefix);
    }
}
