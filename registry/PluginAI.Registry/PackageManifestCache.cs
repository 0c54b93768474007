using System.Collections.Concurrent;

namespace PluginAI.Registry;

/// <summary>
/// Caches what packages in local folder feeds hold, keyed by file path, length and last write time, so that searching
/// a feed of a thousand packages opens only the packages that changed. Thread-safe.
/// </summary>
public sealed class PackageManifestCache
{
    private readonly ConcurrentDictionary<string, (long Length, DateTime Modified, CachedPackageInfo Info)> _entries = new(StringComparer.Ordinal);

    /// <summary>Gets the cache shared by the clients of this process.</summary>
    public static PackageManifestCache Shared { get; } = new();

    /// <summary>Gets the number of packages cached.</summary>
    public int Count => _entries.Count;

    /// <summary>Returns what a package holds, reading it only when it is new or changed.</summary>
    /// <param name="packagePath">The <c>.nupkg</c> file.</param>
    /// <returns>The package's information; a package that cannot be read is returned with <see cref="CachedPackageInfo.Problem"/> set.</returns>
    public CachedPackageInfo Get(string packagePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(packagePath);
        var file = new FileInfo(packagePath);
        if (_entries.TryGetValue(file.FullName, out var hit) && hit.Length == file.Length && hit.Modified == file.LastWriteTimeUtc)
        {
            return hit.Info;
        }

        CachedPackageInfo info;
        try
        {
            using var reader = PluginPackageReader.Open(file.FullName);
            info = new CachedPackageInfo(
                reader.Identity.Id,
                reader.Identity.Version.ToNormalizedString(),
                reader.Description,
                reader.Tags,
                reader.ManifestResult.Manifest,
                reader.IsModelPackage
                    ? $"package {reader.Identity.Id} {reader.Identity.Version.ToNormalizedString()} is a model ({PluginPackageLayout.ModelManifestEntry}), not a plugin; pull it with 'pluginai models pull pkg:{reader.Identity.Id}@{reader.Identity.Version.ToNormalizedString()}'"
                    : reader.ManifestResult.IsValid ? null : string.Join("; ", reader.ManifestResult.Errors),
                reader.SignatureBytes is not null);
        }
        catch (RegistryException ex)
        {
            info = new CachedPackageInfo(Path.GetFileNameWithoutExtension(file.Name), string.Empty, null, [], null, ex.Message, false);
        }

        _entries[file.FullName] = (file.Length, file.LastWriteTimeUtc, info);
        return info;
    }
}
