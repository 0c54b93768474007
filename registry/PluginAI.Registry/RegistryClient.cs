using System.Text.Json;
using NuGet.Common;
using NuGet.Configuration;
using NuGet.Protocol.Core.Types;
using NuGet.Versioning;
using PluginAI.Hardware;
using PluginAI.Registry.Sources;
using PluginAI.Trust;

namespace PluginAI.Registry;

/// <summary>
/// Finds plugins in the configured sources with NuGet.Protocol: local folder feeds (manifests read from the packages,
/// cached) and HTTP v3 feeds (NuGet search filtered to the <c>pluginai-plugin</c> tag, or the registry's
/// <c>PluginAI/1.0.0</c> resource when its service index offers it). Downloads packages for the installer. Each kind of
/// source is one implementation of an internal source interface (<c>Sources/FolderPackageSource</c>,
/// <c>Sources/HttpPackageSource</c>).
/// </summary>
public sealed class RegistryClient
{
    /// <summary>The service index resource type of the PluginAI registry API.</summary>
    public const string PluginAIResourceType = "PluginAI/1.0.0";

    private readonly PackageSourceSettings _settings;
    private readonly PackageSourceContext _context;

    /// <summary>Initializes a new instance of the <see cref="RegistryClient"/> class.</summary>
    /// <param name="settings">The package sources.</param>
    /// <param name="cache">The manifest cache; <see langword="null"/> for <see cref="PackageManifestCache.Shared"/>.</param>
    /// <param name="logger">NuGet's logger; <see langword="null"/> for none.</param>
    public RegistryClient(PackageSourceSettings settings, PackageManifestCache? cache = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _context = new PackageSourceContext(this, settings, cache ?? PackageManifestCache.Shared, logger ?? NullLogger.Instance);
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
                results.AddRange(await Source(source).SearchAsync(term, kind, hardware, warnings, cancellationToken).ConfigureAwait(false));
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
    public Task<IReadOnlyList<PluginPackageCandidate>> GetCandidatesAsync(string id, CancellationToken cancellationToken = default) =>
        GetCandidatesAsync(id, new List<string>(), cancellationToken);

    /// <summary>Finds every version of a plugin in every enabled source, collecting the packages of that id that were skipped and why.</summary>
    internal async Task<IReadOnlyList<PluginPackageCandidate>> GetCandidatesAsync(string id, ICollection<string> skipped, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var candidates = new List<PluginPackageCandidate>();
        var failures = new List<string>();
        var sources = _settings.GetEnabledNuGetSources();
        foreach (var source in sources)
        {
            try
            {
                candidates.AddRange(await Source(source).GetCandidatesAsync(id, skipped, cancellationToken).ConfigureAwait(false));
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

    /// <summary>Downloads the signed index a source publishes, by the source's name.</summary>
    /// <param name="sourceName">The source's name in <c>pluginai.config</c>.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The index, or <see langword="null"/> when the source publishes none.</returns>
    /// <exception cref="RegistryException">No enabled source has that name.</exception>
    public Task<SignedIndexDownload?> GetSourceSignedIndexAsync(string sourceName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceName);
        var source = _settings.GetEnabledNuGetSources().FirstOrDefault(s => string.Equals(s.Name, sourceName, StringComparison.OrdinalIgnoreCase))
            ?? throw new RegistryException($"{_settings.ConfigPath}: no enabled package source named '{sourceName}'; 'pluginai sources list' shows them");
        return Source(source).GetSignedIndexAsync(cancellationToken);
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
        return await Source(candidate.NuGetSource).DownloadAsync(candidate.Id, candidate.Version, directory, cancellationToken).ConfigureAwait(false);
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
        return Source(candidate.NuGetSource).GetSignedIndexAsync(cancellationToken);
    }

    /// <summary>Downloads the certification records the source of a candidate serves for its plugin (<c>/pluginai/v1/certifications/{id}</c>).</summary>
    /// <param name="candidate">The package whose source to ask.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The envelopes, signatures not yet verified; empty for local folders and feeds without the PluginAI resource. Entries that are not envelopes are left out.</returns>
    /// <exception cref="RegistryException">The source could not be read.</exception>
    public Task<IReadOnlyList<SignedEnvelope>> GetCertificationsAsync(PluginPackageCandidate candidate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return Source(candidate.NuGetSource).GetCertificationsAsync(candidate.Id, cancellationToken);
    }

    /// <summary>Lists the versions of a package id in every enabled source, whatever the package holds, newest first; a version served by two sources is taken from the first.</summary>
    internal async Task<IReadOnlyList<(PackageSource Source, NuGetVersion Version)>> GetPackageVersionsAsync(string id, ICollection<string> failures, CancellationToken cancellationToken)
    {
        var found = new List<(PackageSource Source, NuGetVersion Version)>();
        foreach (var source in _settings.GetEnabledNuGetSources())
        {
            try
            {
                if (source.IsLocal && !Directory.Exists(source.Source))
                {
                    continue;
                }

                var finder = await _context.Repository(source).GetResourceAsync<FindPackageByIdResource>(cancellationToken).ConfigureAwait(false);
                if (finder is null)
                {
                    continue;
                }

                using var cacheContext = new SourceCacheContext { NoCache = true, RefreshMemoryCache = true };
                var versions = await finder.GetAllVersionsAsync(id, cacheContext, _context.Logger, cancellationToken).ConfigureAwait(false);
                found.AddRange(versions.Select(v => (source, v)));
            }
            catch (Exception ex) when (ex is FatalProtocolException or IOException or HttpRequestException or JsonException or UnauthorizedAccessException)
            {
                failures.Add($"source '{source.Name}' ({source.Source}): {ex.Message}");
            }
        }

        return [.. found.DistinctBy(f => f.Version).OrderByDescending(f => f.Version)];
    }

    /// <summary>Downloads a package by id and version from one source.</summary>
    internal Task<string> DownloadAsync(PackageSource source, string id, NuGetVersion version, string directory, CancellationToken cancellationToken) =>
        Source(source).DownloadAsync(id, version, directory, cancellationToken);

    /// <summary>Downloads the signed index of one source.</summary>
    internal Task<SignedIndexDownload?> GetSignedIndexAsync(PackageSource source, CancellationToken cancellationToken) =>
        Source(source).GetSignedIndexAsync(cancellationToken);

    private IPackageSource Source(PackageSource source) =>
        source.IsLocal ? new FolderPackageSource(_context, source) : new HttpPackageSource(_context, source);
}
