using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using NuGet.Common;
using NuGet.Configuration;
using NuGet.Protocol;
using NuGet.Protocol.Core.Types;
using NuGet.Versioning;
using PluginAI.Hardware;
using PluginAI.Manifest;
using PluginAI.Manifest.Compatibility;
using PluginAI.Trust;

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
/// <param name="Certified">Whether a valid record of a trusted certifier covers that version on a device of this machine.</param>
/// <param name="Source">The name of the source.</param>
/// <param name="CertificationReason">Why it is or is not certified, device by device, such as <c>CPU (Test CPU): certified by acme-labs until 2027-06-30 (suite 1.0.0)</c>.</param>
public sealed record PluginSearchResult(string Id, string Version, string? Description, IReadOnlyList<PluginKind> Kinds, bool? Compatible, IReadOnlyList<string> Problems, CertificationStatus Certified, string Source, string? CertificationReason = null);

/// <summary>The outcome of a search: the plugins found, and the sources that could not be searched.</summary>
/// <param name="Results">The plugins, by id.</param>
/// <param name="Warnings">A line per source that failed or returned only part of its matches, naming it and why.</param>
public sealed record PluginSearchResponse(IReadOnlyList<PluginSearchResult> Results, IReadOnlyList<string> Warnings)
{
    /// <summary>Gets a line per plugin that matched but was left out because only certified plugins were asked for, saying why it is not certified on this machine.</summary>
    public IReadOnlyList<string> NotCertified { get; init; } = [];
}

/// <summary>The signed index a package source publishes, as downloaded; <see cref="Trust.Index.RegistryIndexState.Accept"/> verifies it.</summary>
/// <param name="SourceName">The source's name.</param>
/// <param name="SourceKey">The key its index state is kept under: the source's service index URL.</param>
/// <param name="Location">Where the index was read.</param>
/// <param name="Envelope">The signed index.</param>
public sealed record SignedIndexDownload(string SourceName, string SourceKey, Uri Location, SignedEnvelope Envelope);

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
    private readonly ConcurrentDictionary<(string Name, string Location, string? User, string? Password), SourceRepository> _repositories = new();

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
        CertificationCheck = new TrustedCertificationCheck(settings.Home);
    }

    /// <summary>Gets the package sources.</summary>
    public PackageSourceSettings Settings => _settings;

    /// <summary>Gets or sets how certification is decided; by default a <see cref="TrustedCertificationCheck"/> over the home's trust policy and certification store.</summary>
    public ICertificationCheck CertificationCheck { get; set; }

    /// <summary>Gets or sets the plugin API version compatibility is checked against; <see langword="null"/> for <see cref="PluginApi.Version"/>.</summary>
    public Manifest.SemanticVersion? HostApiVersion { get; set; }

    /// <summary>Searches every enabled source.</summary>
    /// <param name="term">Words to find in the id, name, description or tags; <see langword="null"/> or empty for every plugin.</param>
    /// <param name="kind">Only plugins of this kind, or <see langword="null"/> for all.</param>
    /// <param name="compatibleOnly">Only plugins known to run on this host and machine.</param>
    /// <param name="certifiedOnly">Only plugins for which a valid record of a trusted certifier covers a device of this machine; those left out are listed in <see cref="PluginSearchResponse.NotCertified"/> with the reason.</param>
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
                    : await SearchHttpAsync(source, term, kind, hardware, warnings, cancellationToken).ConfigureAwait(false);
                results.AddRange(found);
            }
            catch (Exception ex) when (ex is FatalProtocolException or IOException or HttpRequestException or JsonException or UnauthorizedAccessException or RegistryException or TrustException)
            {
                warnings.Add($"source '{source.Name}' ({source.Source}) could not be searched: {ex.Message}");
            }
        }

        var matching = results
            .Where(r => kind is null || r.Kinds.Contains(kind.Value))
            .Where(r => !compatibleOnly || r.Compatible == true)
            .OrderBy(r => r.Id, StringComparer.OrdinalIgnoreCase)
            .ThenBy(r => r.Source, StringComparer.OrdinalIgnoreCase)
            .ToList();
        if (!certifiedOnly)
        {
            return new PluginSearchResponse(matching, warnings);
        }

        var notCertified = matching.Where(r => r.Certified != CertificationStatus.Certified)
            .Select(r => $"{r.Id} {r.Version} ({r.Source}): not certified on this machine: {r.CertificationReason ?? "no certification records"}")
            .ToList();
        return new PluginSearchResponse([.. matching.Where(r => r.Certified == CertificationStatus.Certified)], warnings) { NotCertified = notCertified };
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

    /// <summary>Downloads the signed index of the source that serves a candidate (<c>/pluginai/v1/index.json</c> of a feed advertising <c>PluginAI/1.0.0</c>).</summary>
    /// <param name="candidate">The package whose source to ask.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The index as served, its signature not yet verified; <see langword="null"/> when the source is a local folder, does not advertise the PluginAI resource, or answers 404 for the index.</returns>
    /// <exception cref="RegistryException">The source could not be read (any failure but 404), so whether it has an index is not known.</exception>
    /// <exception cref="TrustException">The source served something that is not a signed envelope.</exception>
    public Task<SignedIndexDownload?> GetSignedIndexAsync(PluginPackageCandidate candidate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return GetSignedIndexAsync(candidate.NuGetSource, cancellationToken);
    }

    /// <summary>Downloads the certification records the source of a candidate serves for its plugin (<c>/pluginai/v1/certifications/{id}</c>).</summary>
    /// <param name="candidate">The package whose source to ask.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The envelopes, signatures not yet verified; empty for local folders and feeds without the PluginAI resource. Entries that are not envelopes are left out.</returns>
    /// <exception cref="RegistryException">The source could not be read.</exception>
    public Task<IReadOnlyList<SignedEnvelope>> GetCertificationsAsync(PluginPackageCandidate candidate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return GetCertificationsAsync(candidate.NuGetSource, candidate.Id, cancellationToken);
    }

    private async Task<SignedIndexDownload?> GetSignedIndexAsync(PackageSource source, CancellationToken cancellationToken)
    {
        if (source.IsLocal)
        {
            return null;
        }

        try
        {
            var repository = Repository(source);
            var pluginApi = await PluginApiBaseAsync(repository, cancellationToken).ConfigureAwait(false);
            if (pluginApi is null)
            {
                return null;
            }

            var uri = new Uri(pluginApi, "index.json");
            var bytes = await GetBytesAsync(repository, source, uri, ignoreNotFound: true, cancellationToken).ConfigureAwait(false);
            return bytes is null ? null : new SignedIndexDownload(source.Name, source.Source, uri, SignedEnvelope.Parse(bytes, $"source '{source.Name}': {uri}"));
        }
        catch (Exception ex) when (ex is FatalProtocolException or IOException or HttpRequestException)
        {
            throw new RegistryException($"source '{source.Name}' ({source.Source}): cannot read its signed index: {ex.Message}", ex);
        }
    }

    private async Task<IReadOnlyList<SignedEnvelope>> GetCertificationsAsync(PackageSource source, string id, CancellationToken cancellationToken)
    {
        if (source.IsLocal)
        {
            return [];
        }

        try
        {
            var repository = Repository(source);
            var pluginApi = await PluginApiBaseAsync(repository, cancellationToken).ConfigureAwait(false);
            if (pluginApi is null)
            {
                return [];
            }

            var uri = new Uri(pluginApi, $"certifications/{Uri.EscapeDataString(id.ToLowerInvariant())}");
            var bytes = await GetBytesAsync(repository, source, uri, ignoreNotFound: true, cancellationToken).ConfigureAwait(false);
            if (bytes is null)
            {
                return [];
            }

            using var document = JsonDocument.Parse(bytes);
            var list = new List<SignedEnvelope>();
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("certifications", out var array) && array.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in array.EnumerateArray())
                {
                    try
                    {
                        list.Add(SignedEnvelope.Parse(Encoding.UTF8.GetBytes(item.GetRawText()), $"{uri}: certifications[{i}]"));
                    }
                    catch (TrustException)
                    {
                        // Not an envelope: nothing that could certify anything.
                    }

                    i++;
                }
            }

            return list;
        }
        catch (Exception ex) when (ex is FatalProtocolException or IOException or HttpRequestException or JsonException)
        {
            throw new RegistryException($"source '{source.Name}' ({source.Source}): cannot read the certification records of {id}: {ex.Message}", ex);
        }
    }

    private async Task<string> DownloadAsync(string id, NuGetVersion version, PackageSource source, string directory, CancellationToken cancellationToken)
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
                copied = await finder.CopyNupkgToStreamAsync(id, version, stream, cacheContext, _logger, cancellationToken).ConfigureAwait(false);
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
            var certification = CertificationCheck.Evaluate(manifest, hardware, []);
            results.Add(new PluginSearchResult(manifest.Id, info.Version, info.Description ?? manifest.Description, manifest.Kinds, report.IsCompatible, report.Problems, certification.Status, source.Name, certification.Reason));
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

    private async Task<List<PluginSearchResult>> SearchHttpAsync(PackageSource source, string? term, PluginKind? kind, HardwareProfile hardware, List<string> warnings, CancellationToken cancellationToken)
    {
        const int Take = 100;
        var repository = Repository(source);
        var pluginApi = await PluginApiBaseAsync(repository, cancellationToken).ConfigureAwait(false);
        var results = new List<PluginSearchResult>();
        if (pluginApi is not null)
        {
            // Certification is decided here against this machine's trust policy, not by the server's flag, which only says that records were posted.
            var query = $"search?q={Uri.EscapeDataString(term ?? string.Empty)}&take={Take}{(kind is null ? string.Empty : "&kind=" + kind.Value.ToString().ToLowerInvariant())}";
            using var document = await GetJsonAsync(repository, source, new Uri(pluginApi, query), cancellationToken).ConfigureAwait(false);
            var data = document.RootElement.GetProperty("data");
            if (document.RootElement.TryGetProperty("totalHits", out var total) && total.TryGetInt32(out var hits) && hits > data.GetArrayLength())
            {
                warnings.Add($"source '{source.Name}' ({source.Source}): showing the first {data.GetArrayLength()} of {hits} matching plugins; add search words or --kind to narrow the search");
            }

            foreach (var item in data.EnumerateArray())
            {
                var id = item.GetProperty("id").GetString()!;
                var version = item.GetProperty("version").GetString()!;
                var manifest = await FetchManifestAsync(repository, source, pluginApi, id, version, cancellationToken).ConfigureAwait(false);
                if (manifest is not null && !CompatibilityChecker.Check(manifest, hardware, HostApiVersion).IsCompatible && item.TryGetProperty("versions", out var listed))
                {
                    // As for local feeds, show the newest version that fits this machine when the newest does not.
                    var older = listed.EnumerateArray().Select(v => v.GetString()).OfType<string>()
                        .Select(v => NuGetVersion.TryParse(v, out var parsed) ? parsed : null).OfType<NuGetVersion>()
                        .Where(v => v < NuGetVersion.Parse(version)).OrderByDescending(v => v);
                    foreach (var candidate in older)
                    {
                        var olderManifest = await FetchManifestAsync(repository, source, pluginApi, id, candidate.ToNormalizedString(), cancellationToken).ConfigureAwait(false);
                        if (olderManifest is not null && CompatibilityChecker.Check(olderManifest, hardware, HostApiVersion).IsCompatible)
                        {
                            (manifest, version) = (olderManifest, candidate.ToNormalizedString());
                            break;
                        }
                    }
                }

                CertificationVerdict? certification = null;
                if (manifest is not null)
                {
                    var posted = item.TryGetProperty("certified", out var c) && c.ValueKind == JsonValueKind.True
                        ? await GetCertificationsAsync(source, id, cancellationToken).ConfigureAwait(false)
                        : [];
                    certification = CertificationCheck.Evaluate(manifest, hardware, posted);
                }

                var report = manifest is null ? null : CompatibilityChecker.Check(manifest, hardware, HostApiVersion);
                var kinds = manifest?.Kinds ?? KindsFromTags(item.GetProperty("kinds").EnumerateArray().Select(k => "pluginai-" + k.GetString()));
                results.Add(new PluginSearchResult(id, version, item.TryGetProperty("description", out var d) ? d.GetString() : null, kinds, report?.IsCompatible, report?.Problems ?? [], certification?.Status ?? CertificationStatus.Unknown, source.Name, certification?.Reason ?? "the source serves no manifest to check"));
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

            results.Add(new PluginSearchResult(package.Identity.Id, package.Identity.Version.ToNormalizedString(), package.Description, KindsFromTags(tags), null, [], CertificationStatus.Unknown, source.Name, "the source serves no manifests, so certification cannot be checked"));
        }

        return results;
    }

    private async Task<List<PluginPackageCandidate>> HttpCandidatesAsync(PackageSource source, string id, CancellationToken cancellationToken)
    {
        var repository = Repository(source);
        var finder = await repository.GetResourceAsync<FindPackageByIdResource>(cancellationToken).ConfigureAwait(false)
            ?? throw new RegistryException($"source '{source.Name}' ({source.Source}) cannot serve packages");
        using var cacheContext = new SourceCacheContext { NoCache = true, RefreshMemoryCache = true };
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
        var bytes = await GetBytesAsync(repository, source, uri, ignoreNotFound: false, cancellationToken).ConfigureAwait(false)
            ?? throw new RegistryException($"{uri}: not found");
        ReadOnlySpan<byte> bom = [0xEF, 0xBB, 0xBF];
        return Encoding.UTF8.GetString(bytes.AsSpan().StartsWith(bom) ? bytes.AsSpan(3) : bytes);
    }

    private async Task<byte[]?> GetBytesAsync(SourceRepository repository, PackageSource source, Uri uri, bool ignoreNotFound, CancellationToken cancellationToken)
    {
        var http = await repository.GetResourceAsync<HttpSourceResource>(cancellationToken).ConfigureAwait(false)
            ?? throw new RegistryException($"source '{source.Name}' is not an HTTP source");
        var request = new HttpSourceRequest(uri, _logger) { IgnoreNotFounds = ignoreNotFound };
        return await http.HttpSource.ProcessStreamAsync(
            request,
            async stream =>
            {
                if (stream is null)
                {
                    return null;
                }

                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                return buffer.ToArray();
            },
            _logger,
            cancellationToken).ConfigureAwait(false);
    }

    private SourceRepository Repository(PackageSource source) =>
        _repositories.GetOrAdd((source.Name, source.Source, source.Credentials?.Username, source.Credentials?.Password), _ => NuGet.Protocol.Core.Types.Repository.Factory.GetCoreV3(source));
}
