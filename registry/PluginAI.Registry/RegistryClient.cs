using System.Text;
using System.Text.Json;
using NuGet.Common;
using NuGet.Configuration;
using NuGet.Protocol;
using NuGet.Protocol.Core.Types;
using NuGet.Versioning;
using PluginAI.Hardware;
using PluginAI.Host.Compatibility;
using PluginAI.Manifest;

namespace PluginAI.Registry;

/// <summary>One version of a plugin available from a source, with its manifest.</summary>
public sealed class PluginPackageCandidate
{
    internal PluginPackageCandidate(string id, NuGetVersion version, string sourceName, PluginManifest manifest, PackageSource source, string? localPath)
    {
        Id = id;
        Version = version;
        SourceName = sourceName;
        Manifest = manifest;
        NuGetSource = source;
        LocalPath = localPath;
    }

    /// <summary>Gets the package id.</summary>
    public string Id { get; }

    /// <summary>Gets the package version.</summary>
    public NuGetVersion Version { get; }

    /// <summary>Gets the name of the source that serves it.</summary>
    public string SourceName { get; }

    /// <summary>Gets the package's manifest.</summary>
    public PluginManifest Manifest { get; }

    /// <summary>Gets the package file when the source is a local folder, else <see langword="null"/>.</summary>
    public string? LocalPath { get; }

    internal PackageSource NuGetSource { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Id} {Version.ToNormalizedString()} ({SourceName})";
}

/// <summary>One plugin found by <see cref="RegistryClient.SearchAsync"/>.</summary>
/// <param name="Id">The plugin id.</param>
/// <param name="Version">The version shown: the newest that fits this machine, else the newest.</param>
/// <param name="Description">The description.</param>
/// <param name="Kinds">The kinds of work the plugin does.</param>
/// <param name="Compatible">Whether that version runs on this host and machine; <see langword="null"/> when the source serves no manifests to tell.</param>
/// <param name="Problems">Why it does not run here, in plain words; empty when it does or when unknown.</param>
/// <param name="Certified">Whether it is certified for this machine.</param>
/// <param name="Source">The name of the source.</param>
public sealed record PluginSearchResult(string Id, string Version, string? Description, IReadOnlyList<PluginKind> Kinds, bool? Compatible, IReadOnlyList<string> Problems, CertificationStatus Certified, string Source);

/// <summary>The outcome of a search: the plugins found, and the sources that could not be searched.</summary>
/// <param name="Results">The plugins, by id.</param>
/// <param name="Warnings">A line per source that failed, naming it and why.</param>
public sealed record PluginSearchResponse(IReadOnlyList<PluginSearchResult> Results, IReadOnlyList<string> Warnings);

/// <summary>
/// Finds plugins in the configured sources with NuGet.Protocol: local folder feeds (manifests read from the packages,
/// cached) and HTTP v3 feeds (NuGet search filtered to the <c>pluginai-plugin</c> tag, or the registry's
/// <c>PluginAI/1.0.0</c> resource when its service index offers it). Downloads packages for the installer.
/// </summary>
public sealed class RegistryClient
{
    /// <summary>The service index resource type of the PluginAI registry API.</summary>
    public const string PluginAIResourceType = "PluginAI/1.0.0";

    private readonly PackageSourceSettings _settings;
    private readonly PackageManifestCache _cache;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="RegistryClient"/> class.</summary>
    /// <param name="settings">The package sources.</param>
    /// <param name="cache">The manifest cache; <see langword="null"/> for <see cref="PackageManifestCache.Shared"/>.</param>
    /// <param name="logger">NuGet's logger; <see langword="null"/> for none.</param>
    public RegistryClient(PackageSourceSettings settings, PackageManifestCache? cache = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _cache = cache ?? PackageManifestCache.Shared;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Gets the package sources.</summary>
    public PackageSourceSettings Settings => _settings;

    /// <summary>Gets or sets how certification is decided; replaceable once signed certification records are checked.</summary>
    public ICertificationCheck CertificationCheck { get; set; } = ManifestCertificationCheck.Instance;

    /// <summary>Gets or sets the plugin API version compatibility is checked against; <see langword="null"/> for <see cref="PluginApi.Version"/>.</summary>
    public Manifest.SemanticVersion? HostApiVersion { get; set; }

    /// <summary>Searches every enabled source.</summary>
    /// <param name="term">Words to find in the id, name, description or tags; <see langword="null"/> or empty for every plugin.</param>
    /// <param name="kind">Only plugins of this kind, or <see langword="null"/> for all.</param>
    /// <param name="compatibleOnly">Only plugins known to run on this host and machine.</param>
    /// <param name="certifiedOnly">Only plugins certified for this machine.</param>
    /// <param name="hardware">This machine.</param>
    /// <param name="cancellationToken">A token to cancel the search.</param>
    /// <returns>The plugins, one per id and source, ordered by id; sources that failed are listed as warnings.</returns>
    public async Task<PluginSearchResponse> SearchAsync(string? term, PluginKind? kind, bool compatibleOnly, bool certifiedOnly, HardwareProfile hardware, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hardware);
        var results = new List<PluginSearchResult>();
        var warnings = new List<string>();
        foreach (var source in _settings.GetEnabledNuGetSources())
        {
            try
            {
                var found = source.IsLocal
                    ? SearchLocal(source, term, hardware, cancellationToken)
                    : await SearchHttpAsync(source, term, kind, certifiedOnly, hardware, cancellationToken).ConfigureAwait(false);
                results.AddRange(found);
            }
            catch (Exception ex) when (ex is FatalProtocolException or IOException or HttpRequestException or JsonException or UnauthorizedAccessException or RegistryException)
            {
                warnings.Add($"source '{source.Name}' ({source.Source}) could not be searched: {ex.Message}");
            }
        }

        var filtered = results
            .Where(r => kind is null || r.Kinds.Contains(kind.Value))
            .Where(r => !compatibleOnly || r.Compatible == true)
            .Where(r => !certifiedOnly || r.Certified == CertificationStatus.Certified)
            .OrderBy(r => r.Id, StringComparer.OrdinalIgnoreCase)
            .ThenBy(r => r.Source, StringComparer.OrdinalIgnoreCase)
            .ToList();
        return new PluginSearchResponse(filtered, warnings);
    }

    /// <summary>Lists every version of a plugin in every enabled source, with its manifest, newest first; a version served by two sources is taken from the first.</summary>
    /// <param name="id">The plugin id.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The candidates.</returns>
    /// <exception cref="RegistryException">No source could be read.</exception>
    public async Task<IReadOnlyList<PluginPackageCandidate>> GetCandidatesAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var candidates = new List<PluginPackageCandidate>();
        var failures = new List<string>();
        var sources = _settings.GetEnabledNuGetSources();
        foreach (var source in sources)
        {
            try
            {
                candidates.AddRange(source.IsLocal
                    ? LocalCandidates(source, id, cancellationToken)
                    : await HttpCandidatesAsync(source, id, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is FatalProtocolException or IOException or HttpRequestException or JsonException or UnauthorizedAccessException)
            {
                failures.Add($"source '{source.Name}' ({source.Source}): {ex.Message}");
            }
        }

        if (failures.Count == sources.Count && sources.Count > 0)
        {
            throw new RegistryException($"No package source could be read for '{id}':{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", failures)}");
        }

        return [.. candidates.DistinctBy(c => c.Version).OrderByDescending(c => c.Version)];
    }

    /// <summary>Downloads a candidate's package into a folder with NuGet's <see cref="FindPackageByIdResource"/>.</summary>
    /// <param name="candidate">The package.</param>
    /// <param name="directory">The download folder, such as <c>&lt;home&gt;/cache/packages</c>.</param>
    /// <param name="cancellationToken">A token to cancel the download.</param>
    /// <returns>The path of the downloaded <c>.nupkg</c>.</returns>
    /// <exception cref="RegistryException">The source does not have the package.</exception>
    public async Task<string> DownloadAsync(PluginPackageCandidate candidate, string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        return await DownloadAsync(candidate.Id, candidate.Version, candidate.NuGetSource, directory, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> DownloadAsync(string id, NuGetVersion version, PackageSource source, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var target = Path.Combine(directory, $"{id.ToLowerInvariant()}.{version.ToNormalizedString().ToLowerInvariant()}{PluginPackageLayout.Extension}");
        var temp = target + $".{Guid.NewGuid():N}.tmp";
        try
        {
            var repository = Repository.Factory.GetCoreV3(source);
            var finder = await repository.GetResourceAsync<FindPackageByIdResource>(cancellationToken).ConfigureAwait(false)
                ?? throw new RegistryException($"source '{source.Name}' ({source.Source}) cannot serve packages");
            using var cacheContext = new SourceCacheContext { NoCache = true };
            bool copied;
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                copied = await finder.CopyNupkgToStreamAsync(id, version, stream, cacheContext, _logger, cancellationToken).ConfigureAwait(false);
            }

            if (!copied)
            {
                throw new RegistryException($"Source '{source.Name}' ({source.Source}) does not have {id} {version.ToNormalizedString()}");
            }

            File.Move(temp, target, overwrite: true);
            return target;
        }
        catch (FatalProtocolException ex)
        {
            throw new RegistryException($"Downloading {id} {version.ToNormalizedString()} from '{source.Name}' failed: {ex.Message}", ex);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static IReadOnlyList<PluginKind> KindsFromTags(IEnumerable<string> tags) =>
        [.. Enum.GetValues<PluginKind>().Where(k => tags.Contains("pluginai-" + k.ToString().ToLowerInvariant(), StringComparer.OrdinalIgnoreCase))];

    private static bool Matches(string? term, string id, string? displayName, string? description, IEnumerable<string> tags)
    {
        if (string.IsNullOrWhiteSpace(term))
        {
            return true;
        }

        var haystack = string.Join(' ', [id, displayName ?? string.Empty, description ?? string.Empty, .. tags]);
        return term.Split(' ', StringSplitOptions.RemoveEmptyEntries).All(word => haystack.Contains(word, StringComparison.OrdinalIgnoreCase));
    }

    private List<PluginSearchResult> SearchLocal(PackageSource source, string? term, HardwareProfile hardware, CancellationToken cancellationToken)
    {
        var packages = LocalPackages(source, cancellationToken)
            .Where(p => p.Info.Manifest is not null)
            .Where(p => Matches(term, p.Info.Id, p.Info.Manifest!.DisplayName, p.Info.Description ?? p.Info.Manifest.Description, p.Info.Tags));
        var results = new List<PluginSearchResult>();
        foreach (var group in packages.GroupBy(p => p.Info.Id, StringComparer.OrdinalIgnoreCase))
        {
            var versions = group.OrderByDescending(p => NuGetVersion.Parse(p.Info.Version)).Select(p => (p.Info, Report: CompatibilityChecker.Check(p.Info.Manifest!, hardware, HostApiVersion))).ToList();
            var (info, report) = versions.FirstOrDefault(v => v.Report.IsCompatible) is { Info: not null } fit ? fit : versions[0];
            var manifest = info.Manifest!;
            results.Add(new PluginSearchResult(manifest.Id, info.Version, info.Description ?? manifest.Description, manifest.Kinds, report.IsCompatible, report.Problems, CertificationCheck.Check(manifest, hardware), source.Name));
        }

        return results;
    }

    private IEnumerable<(string Path, CachedPackageInfo Info)> LocalPackages(PackageSource source, CancellationToken cancellationToken)
    {
        var root = source.Source;
        if (!Directory.Exists(root))
        {
            if (string.Equals(Path.GetFullPath(root), _settings.LocalFeedDirectory, StringComparison.Ordinal))
            {
                Directory.CreateDirectory(root);
                return [];
            }

            throw new RegistryException($"the folder {root} does not exist");
        }

        var feedType = LocalFolderUtility.GetLocalFeedType(root, _logger);
        IEnumerable<string> files = feedType == FeedType.FileSystemV3
            ? LocalFolderUtility.GetPackagesV3(root, _logger, cancellationToken).Select(p => p.Path)
            : Directory.EnumerateFiles(root, "*" + PluginPackageLayout.Extension, SearchOption.TopDirectoryOnly);
        return files.Select(f => (f, _cache.Get(f))).ToList();
    }

    private List<PluginPackageCandidate> LocalCandidates(PackageSource source, string id, CancellationToken cancellationToken)
    {
        var list = new List<PluginPackageCandidate>();
        foreach (var (path, info) in LocalPackages(source, cancellationToken))
        {
            if (info.Manifest is { } manifest && string.Equals(info.Id, id, StringComparison.OrdinalIgnoreCase))
            {
                list.Add(new PluginPackageCandidate(manifest.Id, NuGetVersion.Parse(info.Version), source.Name, manifest, source, path));
            }
        }

        return list;
    }

    private async Task<List<PluginSearchResult>> SearchHttpAsync(PackageSource source, string? term, PluginKind? kind, bool certifiedOnly, HardwareProfile hardware, CancellationToken cancellationToken)
    {
        var repository = Repository.Factory.GetCoreV3(source);
        var pluginApi = await PluginApiBaseAsync(repository, cancellationToken).ConfigureAwait(false);
        var results = new List<PluginSearchResult>();
        if (pluginApi is not null)
        {
            var query = $"search?q={Uri.EscapeDataString(term ?? string.Empty)}&take=100{(kind is null ? string.Empty : "&kind=" + kind.Value.ToString().ToLowerInvariant())}{(certifiedOnly ? "&certified=true" : string.Empty)}";
            using var document = await GetJsonAsync(repository, source, new Uri(pluginApi, query), cancellationToken).ConfigureAwait(false);
            foreach (var item in document.RootElement.GetProperty("data").EnumerateArray())
            {
                var id = item.GetProperty("id").GetString()!;
                var version = item.GetProperty("version").GetString()!;
                var manifest = await FetchManifestAsync(repository, source, pluginApi, id, version, cancellationToken).ConfigureAwait(false);
                var certified = item.TryGetProperty("certified", out var c) && c.ValueKind == JsonValueKind.True
                    ? CertificationStatus.Certified
                    : manifest is null ? CertificationStatus.Unknown : CertificationCheck.Check(manifest, hardware);
                var report = manifest is null ? null : CompatibilityChecker.Check(manifest, hardware, HostApiVersion);
                var kinds = manifest?.Kinds ?? KindsFromTags(item.GetProperty("kinds").EnumerateArray().Select(k => "pluginai-" + k.GetString()));
                results.Add(new PluginSearchResult(id, version, item.TryGetProperty("description", out var d) ? d.GetString() : null, kinds, report?.IsCompatible, report?.Problems ?? [], certified, source.Name));
            }

            return results;
        }

        var search = await repository.GetResourceAsync<PackageSearchResource>(cancellationToken).ConfigureAwait(false)
            ?? throw new RegistryException($"source '{source.Name}' ({source.Source}) offers no search");
        var found = await search.SearchAsync(string.Join(' ', term ?? string.Empty, PluginPackageLayout.PluginTag).Trim(), new SearchFilter(includePrerelease: false), 0, 100, _logger, cancellationToken).ConfigureAwait(false);
        foreach (var package in found)
        {
            var tags = (package.Tags ?? string.Empty).Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
            if (!tags.Contains(PluginPackageLayout.PluginTag, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            results.Add(new PluginSearchResult(package.Identity.Id, package.Identity.Version.ToNormalizedString(), package.Description, KindsFromTags(tags), null, [], CertificationStatus.Unknown, source.Name));
        }

        return results;
    }

    private async Task<List<PluginPackageCandidate>> HttpCandidatesAsync(PackageSource source, string id, CancellationToken cancellationToken)
    {
        var repository = Repository.Factory.GetCoreV3(source);
        var finder = await repository.GetResourceAsync<FindPackageByIdResource>(cancellationToken).ConfigureAwait(false)
            ?? throw new RegistryException($"source '{source.Name}' ({source.Source}) cannot serve packages");
        using var cacheContext = new SourceCacheContext { NoCache = true };
        var versions = await finder.GetAllVersionsAsync(id, cacheContext, _logger, cancellationToken).ConfigureAwait(false);
        var pluginApi = await PluginApiBaseAsync(repository, cancellationToken).ConfigureAwait(false);
        var list = new List<PluginPackageCandidate>();
        foreach (var version in versions)
        {
            PluginManifest? manifest;
            if (pluginApi is not null)
            {
                manifest = await FetchManifestAsync(repository, source, pluginApi, id, version.ToNormalizedString(), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var path = await DownloadAsync(id, version, source, Path.Combine(_settings.Home, "cache", "packages"), cancellationToken).ConfigureAwait(false);
                manifest = _cache.Get(path).Manifest;
            }

            if (manifest is not null)
            {
                list.Add(new PluginPackageCandidate(manifest.Id, version, source.Name, manifest, source, null));
            }
        }

        return list;
    }

    private static async Task<Uri?> PluginApiBaseAsync(SourceRepository repository, CancellationToken cancellationToken)
    {
        var index = await repository.GetResourceAsync<ServiceIndexResourceV3>(cancellationToken).ConfigureAwait(false);
        var uri = index?.GetServiceEntryUri(PluginAIResourceType);
        return uri is null ? null : new Uri(uri.ToString().EndsWith('/') ? uri.ToString() : uri + "/");
    }

    private async Task<PluginManifest?> FetchManifestAsync(SourceRepository repository, PackageSource source, Uri pluginApi, string id, string version, CancellationToken cancellationToken)
    {
        var uri = new Uri(pluginApi, $"packages/{Uri.EscapeDataString(id.ToLowerInvariant())}/{Uri.EscapeDataString(version.ToLowerInvariant())}/manifest");
        var text = await GetTextAsync(repository, source, uri, cancellationToken).ConfigureAwait(false);
        return ManifestReader.Parse(text, $"{uri}").Manifest;
    }

    private async Task<JsonDocument> GetJsonAsync(SourceRepository repository, PackageSource source, Uri uri, CancellationToken cancellationToken) =>
        JsonDocument.Parse(await GetTextAsync(repository, source, uri, cancellationToken).ConfigureAwait(false));

    private async Task<string> GetTextAsync(SourceRepository repository, PackageSource source, Uri uri, CancellationToken cancellationToken)
    {
        var http = await repository.GetResourceAsync<HttpSourceResource>(cancellationToken).ConfigureAwait(false);
        var request = new HttpSourceRequest(uri, _logger);
        return await (http ?? throw new RegistryException($"source '{source.Name}' is not an HTTP source")).HttpSource.ProcessStreamAsync(
            request,
            async stream =>
            {
                if (stream is null)
                {
                    throw new RegistryException($"{uri}: not found");
                }

                using var reader = new StreamReader(stream, Encoding.UTF8);
                return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            },
            _logger,
            cancellationToken).ConfigureAwait(false);
    }
}
