using System.Collections.Concurrent;
using NuGet.Common;
using NuGet.Configuration;
using NuGet.Protocol;
using NuGet.Protocol.Core.Types;
using NuGet.Versioning;
using PluginAI.Hardware;
using PluginAI.Manifest;
using PluginAI.Manifest.Compatibility;

namespace PluginAI.Registry.Sources;

/// <summary>
/// What every source of one <see cref="RegistryClient"/> shares: the settings, the manifest cache, NuGet's logger, one
/// NuGet repository per source and credentials, and the client's compatibility and certification rules.
/// </summary>
internal sealed class PackageSourceContext(RegistryClient client, PackageSourceSettings settings, PackageManifestCache cache, ILogger logger)
{
    private readonly ConcurrentDictionary<(string Name, string Location, string? User, string? Password), SourceRepository> _repositories = new();

    public PackageSourceSettings Settings { get; } = settings;

    public PackageManifestCache Cache { get; } = cache;

    public ILogger Logger { get; } = logger;

    public ICertificationCheck CertificationCheck => client.CertificationCheck;

    public CompatibilityReport Check(PluginManifest manifest, HardwareProfile hardware) => CompatibilityChecker.Check(manifest, hardware, client.HostApiVersion);

    public SourceRepository Repository(PackageSource source) =>
        _repositories.GetOrAdd((source.Name, source.Source, source.Credentials?.Username, source.Credentials?.Password), _ => NuGet.Protocol.Core.Types.Repository.Factory.GetCoreV3(source));

    /// <summary>Downloads a package with NuGet's <see cref="FindPackageByIdResource"/>, which serves folders and HTTP feeds alike.</summary>
    public async Task<string> DownloadAsync(PackageSource source, string id, NuGetVersion version, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var target = Path.Combine(directory, $"{id.ToLowerInvariant()}.{version.ToNormalizedString().ToLowerInvariant()}{PluginPackageLayout.Extension}");
        var temp = target + $".{Guid.NewGuid():N}.tmp";
        try
        {
            var repository = Repository(source);
            var finder = await repository.GetResourceAsync<FindPackageByIdResource>(cancellationToken).ConfigureAwait(false)
                ?? throw new RegistryException($"source '{source.Name}' ({source.Source}) cannot serve packages");
            using var cacheContext = new SourceCacheContext { NoCache = true, RefreshMemoryCache = true };
            bool copied;
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                copied = await finder.CopyNupkgToStreamAsync(id, version, stream, cacheContext, Logger, cancellationToken).ConfigureAwait(false);
            }

            if (!copied)
            {
                throw new RegistryException($"Source '{source.Name}' ({source.Source}) does not have {id} {version.ToNormalizedString()}");
            }

            File.Move(temp, target, overwrite: true);
            return target;
        }
        catch (Exception ex) when (ex is FatalProtocolException or HttpRequestException)
        {
            throw new RegistryException($"Downloading {id} {version.ToNormalizedString()} from '{source.Name}' failed: {ex.Message}", ex);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public static IReadOnlyList<PluginKind> KindsFromTags(IEnumerable<string> tags) =>
        [.. Enum.GetValues<PluginKind>().Where(k => tags.Contains("pluginai-" + k.ToString().ToLowerInvariant(), StringComparer.OrdinalIgnoreCase))];

    public static bool Matches(string? term, string id, string? displayName, string? description, IEnumerable<string> tags)
    {
        if (string.IsNullOrWhiteSpace(term))
        {
            return true;
        }

        var haystack = string.Join(' ', [id, displayName ?? string.Empty, description ?? string.Empty, .. tags]);
        return term.Split(' ', StringSplitOptions.RemoveEmptyEntries).All(word => haystack.Contains(word, StringComparison.OrdinalIgnoreCase));
    }
}
