using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using NuGet.Versioning;
using PluginAI.Hardware;
using PluginAI.Manifest.Compatibility;
using PluginAI.Trust;
using PluginAI.Trust.Certification;
using PluginAI.Trust.Index;

namespace PluginAI.Registry;

/// <summary>
/// Installs, updates, removes and lists plugins in <c>&lt;home&gt;/plugins</c> (docs/registry.md, "Installed layout"):
/// each version in <c>plugins/&lt;id&gt;/&lt;version&gt;/</c>, the active one named by <c>plugins/&lt;id&gt;/current</c>,
/// which is replaced atomically, so a failed install or update leaves the previous version working.
/// </summary>
/// <remarks>Installations of one home are serialised with a lock file; a crash mid-install leaves a staging folder that the next run removes.</remarks>
public sealed class PluginInstaller
{
    /// <summary>The file in a plugin's folder that names its active version.</summary>
    public const string CurrentFileName = InstalledPluginLayout.CurrentVersionFileName;

    /// <summary>The folder under <c>plugins</c> where packages are extracted before they are switched in.</summary>
    public const string StagingFolderName = ".staging";

    /// <summary>The folder under <c>plugins</c> where folders are moved before they are deleted.</summary>
    public const string TrashFolderName = ".trash";

    private readonly PluginAIPaths _paths;
    private readonly RegistryClient _client;
    private readonly PluginInstallerOptions _options;

    /// <summary>Initializes a new instance of the <see cref="PluginInstaller"/> class.</summary>
    /// <param name="paths">The PluginAI home.</param>
    /// <param name="client">The registry client.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    public PluginInstaller(PluginAIPaths paths, RegistryClient client, PluginInstallerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(client);
        _paths = paths;
        _client = client;
        _options = options ?? new PluginInstallerOptions();
    }

    /// <summary>Gets the folder packages are downloaded into, <c>&lt;home&gt;/cache/packages</c>.</summary>
    public string PackageCacheDirectory => Path.Combine(_paths.Cache, "packages");

    private string StagingDirectory => Path.Combine(_paths.Plugins, StagingFolderName);

    private string TrashDirectory => Path.Combine(_paths.Plugins, TrashFolderName);

    /// <summary>Installs the newest version of a plugin that fits this host and machine, with the best build for it.</summary>
    /// <param name="id">The plugin id.</param>
    /// <param name="versions">A version (taken exactly) or a range, or <see langword="null"/> for the newest.</param>
    /// <param name="hardware">This machine.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>What was installed.</returns>
    /// <remarks>
    /// When the source publishes a signed index, the index is accepted through <c>&lt;home&gt;/index-state.json</c>
    /// (trusted registry key, not expired, not older than one already accepted) and the downloaded package must have the
    /// SHA-256 the index gives for it. Certification records the source serves for the plugin are added to
    /// <c>&lt;home&gt;/certifications</c> when they verify.
    /// </remarks>
    /// <exception cref="RegistryException">No version fits, the download failed, the source has no signed index and <see cref="PluginInstallerOptions.RequireSignedIndex"/> is set, or the package is unsafe or does not match its manifest.</exception>
    /// <exception cref="TrustException">The package is unsigned, signed by an untrusted key, its signature does not match, or a file differs from the signed manifest as it is extracted; or the source's index is untrusted, expired, rolled back, or does not vouch for the package's bytes.</exception>
    public async Task<InstallResult> InstallAsync(string id, string? versions, HardwareProfile hardware, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(hardware);
        var resolution = await PluginResolver.ResolveAsync(_client, id, versions, hardware, _options.HostApiVersion, cancellationToken).ConfigureAwait(false);
        if (resolution.Package is not { } candidate)
        {
            throw new RegistryException($"Cannot install {id}{(versions is null ? string.Empty : " " + versions)}:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", resolution.Explanation)}");
        }

        return await InstallCandidateAsync(candidate, hardware, resolution.Explanation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Installs a package file, such as one built with <c>pluginai pack</c>.</summary>
    /// <param name="packagePath">The <c>.nupkg</c>.</param>
    /// <param name="hardware">This machine.</param>
    /// <param name="sourceName">What to record as the source.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>What was installed.</returns>
    /// <exception cref="RegistryException">The plugin does not fit this host and machine, or the package is unsafe or does not match its manifest.</exception>
    /// <exception cref="TrustException">The package is unsigned, signed by an untrusted key, its signature does not match, or a file differs from the signed manifest as it is extracted.</exception>
    public Task<InstallResult> InstallPackageFileAsync(string packagePath, HardwareProfile hardware, string? sourceName = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(packagePath);
        ArgumentNullException.ThrowIfNull(hardware);
        var full = Path.GetFullPath(packagePath);
        using var _ = AcquireLock();
        return Task.FromResult(InstallPackage(full, sourceName ?? full, hardware, [], LoadPolicy(), [], cancellationToken));
    }

    /// <summary>Installs the newest version that fits, when it is newer than the installed one.</summary>
    /// <param name="id">The plugin id.</param>
    /// <param name="hardware">This machine.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>Whether it was updated, and why.</returns>
    /// <remarks>The new version is checked against its source's signed index as <see cref="InstallAsync"/> does.</remarks>
    /// <exception cref="RegistryException">The plugin is not installed, or the new version failed to install (the installed one still works).</exception>
    /// <exception cref="TrustException">The new version or its source's index failed a trust check (the installed one still works).</exception>
    public async Task<UpdateResult> UpdateAsync(string id, HardwareProfile hardware, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var installed = Find(id) ?? throw new RegistryException($"{id} is not installed in {_paths.Plugins}; install it with 'pluginai install {id}'");
        var resolution = await PluginResolver.ResolveAsync(_client, id, null, hardware, _options.HostApiVersion, cancellationToken).ConfigureAwait(false);
        if (resolution.Package is not { } candidate || !NuGetVersion.TryParse(installed.Version, out var current) || candidate.Version <= current)
        {
            var why = resolution.Package is null ? "no version fits this host and machine" : $"{installed.Version} is installed and {resolution.Package.Version.ToNormalizedString()} is the newest that fits";
            return new UpdateResult(false, installed.Version, null, [.. resolution.Explanation, $"{id}: up to date: {why}"]);
        }

        var result = await InstallCandidateAsync(candidate, hardware, resolution.Explanation, cancellationToken).ConfigureAwait(false);
        return new UpdateResult(true, installed.Version, result, result.Explanation);
    }

    /// <summary>Removes a plugin: its folder is renamed into <c>.trash</c> at once, then deleted.</summary>
    /// <param name="id">The plugin id.</param>
    /// <returns><see langword="true"/> when it was installed.</returns>
    public bool Remove(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        using var _ = AcquireLock();
        var folder = PluginFolder(id);
        if (folder is null)
        {
            return false;
        }

        MoveToTrashAndDelete(folder);
        return true;
    }

    /// <summary>Lists the installed plugins.</summary>
    /// <returns>The plugins, by id; a plugin whose <c>current</c> file or version folder is missing is listed with its problem.</returns>
    public IReadOnlyList<InstalledPlugin> List()
    {
        if (!Directory.Exists(_paths.Plugins))
        {
            return [];
        }

        return [.. Directory.EnumerateDirectories(_paths.Plugins)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .Select(Describe)
            .OfType<InstalledPlugin>()
            .OrderBy(p => p.Id, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>Finds an installed plugin.</summary>
    /// <param name="id">The plugin id (case-insensitive).</param>
    /// <returns>The plugin, or <see langword="null"/>.</returns>
    public InstalledPlugin? Find(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return PluginFolder(id) is { } folder ? Describe(folder) : null;
    }

    /// <summary>Removes what an interrupted installation left in <c>.staging</c> and <c>.trash</c>.</summary>
    /// <returns>The number of folders removed.</returns>
    public int CleanStaging()
    {
        using var _ = AcquireLock();
        return CleanLeftovers();
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private async Task<InstallResult> InstallCandidateAsync(PluginPackageCandidate candidate, HardwareProfile hardware, IReadOnlyList<string> explanation, CancellationToken cancellationToken)
    {
        var label = $"{candidate.Id} {candidate.Version.ToNormalizedString()}";
        var policy = LoadPolicy();
        var lines = new List<string>(explanation);

        // The index is read and accepted before anything is downloaded, so a stale or rolled-back registry serves nothing.
        var download = await _client.GetSignedIndexAsync(candidate, cancellationToken).ConfigureAwait(false);
        var certifications = await _client.GetCertificationsAsync(candidate, cancellationToken).ConfigureAwait(false);
        using var _ = AcquireLock();
        var index = AcceptIndex(download, label, candidate.SourceName, candidate.NuGetSource.Source, candidate.LocalPath is not null, policy, lines);
        var package = await _client.DownloadAsync(candidate, PackageCacheDirectory, cancellationToken).ConfigureAwait(false);
        VerifyAgainstIndex(index, candidate.Id, candidate.Version, package, label, candidate.SourceName, lines);
        return InstallPackage(package, candidate.SourceName, hardware, lines, policy, certifications, cancellationToken);
    }

    /// <summary>
    /// Pulls a model package (<c>pluginai-model.json</c>, the model file under <c>model/</c>) from the configured sources
    /// with the checks a plugin installation makes: the source's signed index when it publishes one (accepted, not
    /// rolled back, vouching for the package's bytes), the publisher signature over the model manifest by the trust
    /// policy and <see cref="PluginInstallerOptions.AllowUnsigned"/>, the publisher the id is pinned to, safe opening
    /// within <see cref="PluginInstallerOptions.ModelLimits"/>, and the model file's size and SHA-256 as it is extracted.
    /// </summary>
    /// <param name="id">The package id.</param>
    /// <param name="version">The exact version, or <see langword="null"/> for the newest (the newest stable one when there is one).</param>
    /// <param name="destinationFor">
    /// Called with the verified manifest before any byte of the model is written: checks what it must (free space, the
    /// file name) and returns the path to extract the model file to, which must not exist.
    /// </param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The verified model file, at the path <paramref name="destinationFor"/> gave.</returns>
    /// <exception cref="RegistryException">No source has the package or that version, it is a plugin rather than a model, or it is unsafe.</exception>
    /// <exception cref="TrustException">The package or its source's index failed a trust check, or the model file differs from the signed manifest (the partial file is deleted).</exception>
    public async Task<ModelPackagePull> PullModelAsync(string id, string? version, Func<ModelPackageManifest, string> destinationFor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(destinationFor);
        NuGetVersion? wanted = null;
        if (version is not null && !NuGetVersion.TryParse(version, out wanted))
        {
            throw new RegistryException($"'{version}' is not a package version; expected a version such as 1.0.0 (pkg:ID@VERSION)");
        }

        var failures = new List<string>();
        var versions = await _client.GetPackageVersionsAsync(id, failures, cancellationToken).ConfigureAwait(false);
        var chosen = wanted is null
            ? versions.FirstOrDefault(v => !v.Version.IsPrerelease) is { Source: not null } stable ? stable : versions.FirstOrDefault()
            : versions.FirstOrDefault(v => v.Version == wanted);
        if (chosen.Source is null)
        {
            var what = wanted is null ? $"a package '{id}'" : $"{id} {wanted.ToNormalizedString()}{(versions.Count == 0 ? string.Empty : $" (it has {string.Join(", ", versions.Select(v => v.Version.ToNormalizedString()))})")}";
            var why = failures.Count == 0 ? string.Empty : $"{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", failures)}";
            throw new RegistryException($"No package source has {what}; 'pluginai sources list' shows the sources{why}");
        }

        var (source, packageVersion) = chosen;
        var label = $"{id} {packageVersion.ToNormalizedString()}";
        var policy = LoadPolicy();
        var lines = new List<string> { $"{label} (source '{source.Name}'): chosen" };
        var download = await _client.GetSignedIndexAsync(source, cancellationToken).ConfigureAwait(false);
        using var _ = AcquireLock();
        var index = AcceptIndex(download, label, source.Name, source.Source, source.IsLocal, policy, lines);
        var package = await _client.DownloadAsync(source, id, packageVersion, PackageCacheDirectory, cancellationToken).ConfigureAwait(false);
        VerifyAgainstIndex(index, id, packageVersion, package, label, source.Name, lines);

        using var reader = PluginPackageReader.Open(package, _options.ModelLimits);
        var manifest = reader.ModelManifest;
        var verification = reader.VerifyModel(policy, _options.AllowUnsigned, hashFiles: false, cancellationToken).EnsureAccepted();
        var normalized = packageVersion.ToNormalizedString();
        var packageSha256 = Sha256(package);
        var pins = PublisherPinStore.Load(_paths.Home);
        var signer = SignerOf(reader, verification, policy);
        lines.Add(CheckPublisher(manifest.Id, normalized, Path.GetFileName(package), packageSha256, signer, pins));
        var destination = destinationFor(manifest);
        Manifest.PackageFileHash extracted;
        try
        {
            extracted = SafePackageExtractor.ExtractModel(reader, destination, cancellationToken);
        }
        catch (PackageContentException ex)
        {
            throw new TrustException($"{Path.GetFileName(package)}: refused: its content does not match its manifest: {ex.Message}", ex);
        }

        lines.Add(string.Create(CultureInfo.InvariantCulture, $"{PluginPackageLayout.ModelFolder}{extracted.Path}: {extracted.Size} bytes extracted, matching its size and SHA-256 in the signed manifest"));
        if (signer is not null && pins.Find(manifest.Id) is null)
        {
            pins.Set(new PublisherPin(manifest.Id, signer.Value.KeyId, signer.Value.Name, _options.TimeProvider.GetUtcNow(), Explicit: false));
        }

        return new ModelPackagePull(manifest.Id, normalized, source.Name, manifest, destination, extracted.Sha256, verification, lines);
    }

    /// <summary>Accepts a source's signed index through <c>&lt;home&gt;/index-state.json</c>, or refuses a source that dropped the index it published before.</summary>
    private RegistryIndex? AcceptIndex(SignedIndexDownload? download, string label, string sourceName, string sourceKey, bool isLocal, TrustPolicy policy, List<string> lines)
    {
        var statePath = Path.Combine(_paths.Home, RegistryIndexState.FileName);
        var state = RegistryIndexState.Load(statePath);
        if (download is null)
        {
            var why = isLocal ? "a local folder feed" : "the feed publishes none";
            if (_options.RequireSignedIndex)
            {
                throw new RegistryException($"Cannot install {label} from source '{sourceName}': it has no signed index ({why}) and a signed index is required (--require-signed-index)");
            }

            if (state.Records.TryGetValue(sourceKey, out var seen))
            {
                throw new TrustException($"Cannot install {label} from source '{sourceName}' ({sourceKey}): it published a signed index before (version {seen.Version} of {seen.Registry}, accepted {seen.Accepted.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}) and now serves none; a registry does not drop its index, refusing the source's packages");
            }

            lines.Add($"source '{sourceName}': no signed index ({why}); the package is checked against its publisher signature only");
            return null;
        }

        RegistryIndex index;
        try
        {
            index = state.Accept(download.SourceKey, download.Envelope, policy, _options.TimeProvider.GetUtcNow());
        }
        catch (TrustException ex)
        {
            throw new TrustException($"Cannot install {label} from source '{sourceName}': its signed index was refused: {ex.Message}", ex);
        }

        var signer = policy.Find(download.Envelope.KeyId);
        lines.Add($"source '{sourceName}': signed index of {index.Registry} version {index.Version} accepted (signed by {signer?.Name ?? download.Envelope.KeyId}, expires {index.Expires.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ})");
        return index;
    }

    /// <summary>Checks a downloaded package against the SHA-256 the source's signed index gives for it; a package it does not vouch for is deleted.</summary>
    private static void VerifyAgainstIndex(RegistryIndex? index, string id, NuGetVersion version, string package, string label, string sourceName, List<string> lines)
    {
        if (index is null)
        {
            return;
        }

        RegistryIndexEntry entry;
        using (var stream = File.OpenRead(package))
        {
            try
            {
                entry = index.VerifyPackage(id, version.ToNormalizedString(), stream, $"{label} from source '{sourceName}' ({Path.GetFileName(package)})");
            }
            catch (TrustException)
            {
                stream.Dispose();
                File.Delete(package);
                throw;
            }
        }

        lines.Add($"  {label}: SHA-256 {entry.Sha256} matches the index");
    }

    private TrustPolicy LoadPolicy() => _options.TrustPolicy ?? TrustPolicy.Load(Path.Combine(_paths.Home, TrustPolicy.FileName));

    private InstallResult InstallPackage(string packagePath, string sourceName, HardwareProfile hardware, IReadOnlyList<string> explanation, TrustPolicy policy, IReadOnlyList<SignedEnvelope> sourceCertifications, CancellationToken cancellationToken)
    {
        CleanLeftovers();
        using var reader = PluginPackageReader.Open(packagePath, _options.Limits);
        var manifest = reader.Manifest;
        // Signature and manifest here; every file is hashed once, as it is extracted.
        var verification = reader.Verify(policy, _options.AllowUnsigned, hashFiles: false, cancellationToken).EnsureAccepted();

        // The verified manifest decides the build, with the host's own rules.
        var report = CompatibilityChecker.Check(manifest, hardware, _options.HostApiVersion);
        if (!report.IsCompatible)
        {
            throw new RegistryException($"{Path.GetFileName(packagePath)}: {manifest.Id} {manifest.Version} does not fit this host and machine: {string.Join("; ", report.Problems)}");
        }

        List<string> lines = explanation.Count > 0 ? [.. explanation] : [$"{manifest.Version} ({sourceName}): chosen", .. PluginResolver.ExplainBuilds(manifest, report)];
        var version = NuGetVersion.Parse(manifest.Version.ToString()).ToNormalizedString();
        var packageSha256 = Sha256(packagePath);
        var pins = PublisherPinStore.Load(_paths.Home);
        var signer = SignerOf(reader, verification, policy);
        lines.Add(CheckPublisher(manifest.Id, version, Path.GetFileName(packagePath), packageSha256, signer, pins));
        var staging = Path.Combine(StagingDirectory, $"{manifest.Id}-{Guid.NewGuid():N}");
        try
        {
            ExtractionResult extracted;
            try
            {
                extracted = SafePackageExtractor.Extract(reader, staging, report.SelectedVariant, cancellationToken);
            }
            catch (PackageContentException ex)
            {
                // The files are hashed here rather than in Verify: a file that differs from the signed manifest is a
                // trust failure like any other verification failure.
                throw new TrustException($"{Path.GetFileName(packagePath)}: refused: its content does not match its manifest: {ex.Message}", ex);
            }

            lines.Add(string.Create(CultureInfo.InvariantCulture, $"  {extracted.Files.Count} file{(extracted.Files.Count == 1 ? string.Empty : "s")} extracted, each matching its size and SHA-256 in the signed manifest"));
            lines.AddRange(StoreCertifications(manifest, sourceName, sourceCertifications, hardware, policy));
            var receipt = new InstallReceipt(manifest.Id, version, sourceName, report.SelectedVariant, packageSha256, _options.TimeProvider.GetUtcNow(), verification.Publisher?.KeyId, verification.Publisher?.Name, lines);
            AtomicFile.WriteAllBytes(Path.Combine(staging, InstallReceipt.FileName), JsonSerializer.SerializeToUtf8Bytes(receipt, InstallReceipt.JsonOptions));
            cancellationToken.ThrowIfCancellationRequested();
            if (signer is not null && pins.Find(manifest.Id) is null)
            {
                pins.Set(new PublisherPin(manifest.Id, signer.Value.KeyId, signer.Value.Name, _options.TimeProvider.GetUtcNow(), Explicit: false));
            }

            var previous = Switch(manifest.Id, version, staging);
            var plugin = Describe(Path.Combine(_paths.Plugins, manifest.Id))!;
            return new InstallResult(plugin, previous, verification, lines);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                DeleteDirectory(staging);
            }
        }
    }

    /// <summary>Pins a plugin id to a publisher key explicitly, replacing the pin its first install made.</summary>
    /// <param name="id">The plugin id.</param>
    /// <param name="keyId">The fingerprint of the publisher key that may sign the plugin from now on.</param>
    /// <returns>The pin before, or <see langword="null"/>, and the pin now.</returns>
    /// <remarks>The key need not be in the trust policy (a plugin installed with <c>--allow-unsigned</c> can be pinned to an untrusted key); its name is recorded when it is.</remarks>
    public (PublisherPin? Previous, PublisherPin Current) Pin(string id, string keyId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        _ = PluginFolder(id);
        using var _lock = AcquireLock();
        var pins = PublisherPinStore.Load(_paths.Home);
        var previous = pins.Find(id) ?? ImplicitPin(id);
        var key = LoadPolicy().Find(keyId.Trim());
        var current = new PublisherPin(previous?.Id ?? Find(id)?.Id ?? id, key?.KeyId ?? keyId.Trim(), key?.Name, _options.TimeProvider.GetUtcNow(), Explicit: true);
        pins.Set(current);
        return (previous, current);
    }

    /// <summary>
    /// Accepts the signed index a source serves now even when its version is lower than the one seen before, as after a
    /// registry's reset; the signature must still come from a trusted registry key, and the index must be fresh.
    /// </summary>
    /// <param name="sourceName">The source's name.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>What was kept before and what is accepted now.</returns>
    /// <exception cref="RegistryException">No such source, or it publishes no signed index.</exception>
    /// <exception cref="TrustException">The index is not signed by a trusted registry key, is expired, or is issued in the future.</exception>
    public async Task<IndexReset> ResetIndexAsync(string sourceName, CancellationToken cancellationToken = default)
    {
        var download = await _client.GetSourceSignedIndexAsync(sourceName, cancellationToken).ConfigureAwait(false)
            ?? throw new RegistryException($"source '{sourceName}' publishes no signed index; there is nothing to reset");
        var policy = LoadPolicy();
        using var _lock = AcquireLock();
        var state = RegistryIndexState.Load(Path.Combine(_paths.Home, RegistryIndexState.FileName));
        var (previous, accepted) = state.Reset(download.SourceKey, download.Envelope, policy, _options.TimeProvider.GetUtcNow());
        var signer = policy.Find(download.Envelope.KeyId);
        return new IndexReset(download.SourceName, download.SourceKey, previous, accepted, download.Envelope.KeyId, signer?.Name);
    }

    /// <summary>Gets the publisher a plugin id is pinned to.</summary>
    /// <param name="id">The plugin id.</param>
    /// <returns>The pin, or <see langword="null"/> when no signed package of that id was installed.</returns>
    public PublisherPin? GetPin(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return PublisherPinStore.Load(_paths.Home).Find(id) ?? ImplicitPin(id);
    }

    /// <summary>The key that signed the package, trusted or not (with <c>--allow-unsigned</c>), or <see langword="null"/> when unsigned.</summary>
    private static (string KeyId, string? Name)? SignerOf(PluginPackageReader reader, PluginAI.Trust.Content.ContentVerificationResult verification, TrustPolicy policy)
    {
        if (verification.Publisher is { } trusted)
        {
            return (trusted.KeyId, trusted.Name);
        }

        if (reader.SignatureBytes is not { } bytes)
        {
            return null;
        }

        try
        {
            var keyId = SignedEnvelope.Parse(bytes, reader.PackagePath).KeyId;
            return (keyId, policy.Find(keyId)?.Name);
        }
        catch (TrustException)
        {
            return null;
        }
    }

    /// <summary>A plugin installed before pins were kept is pinned to the key its receipt names.</summary>
    private PublisherPin? ImplicitPin(string id) =>
        ReadReceipt(id) is { PublisherKeyId: { } keyId } receipt ? new PublisherPin(receipt.Id, keyId, receipt.PublisherName, receipt.InstalledAt, Explicit: false) : null;

    private InstallReceipt? ReadReceipt(string id)
    {
        if (PluginFolder(id) is not { } folder || Describe(folder) is not { Problem: null } plugin)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<InstallReceipt>(File.ReadAllBytes(Path.Combine(plugin.Directory, InstallReceipt.FileName)), InstallReceipt.JsonOptions);
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Refuses a package of another publisher than the pinned one, and other bytes under an installed version.</summary>
    private string CheckPublisher(string id, string version, string packageName, string packageSha256, (string KeyId, string? Name)? signer, PublisherPinStore pins)
    {
        var installed = ReadReceipt(id);
        if (installed is not null && string.Equals(installed.Version, version, StringComparison.OrdinalIgnoreCase) && !string.Equals(installed.PackageSha256, packageSha256, StringComparison.OrdinalIgnoreCase))
        {
            // A published version never changes; other bytes under the same version are a substitution, whoever signed them.
            throw new TrustException($"{packageName}: refused: {id} {version} is installed from a package with SHA-256 {installed.PackageSha256}, and this package has the same id and version but SHA-256 {packageSha256}; a version's content never changes once installed. Install a newer version, or remove {id} first ('pluginai plugins remove {id}') if the replacement is intended");
        }

        var signerText = signer is { } s ? (s.Name is null ? s.KeyId : $"{s.Name} ({s.KeyId})") : "nobody (unsigned)";
        if ((pins.Find(id) ?? ImplicitPin(id)) is not { } pin)
        {
            return signer is null
                ? $"  publisher: {id} is not pinned (this package is unsigned; the first signed package installed pins its publisher)"
                : $"  publisher: {id} pinned to {signerText} (first install)";
        }

        if (signer is { } key && string.Equals(key.KeyId, pin.KeyId, StringComparison.OrdinalIgnoreCase))
        {
            return $"  publisher: {signerText}, the publisher {id} is pinned to";
        }

        var repin = signer is { } other ? $"; if {id} has really changed hands, pin the new publisher with 'pluginai plugins pin {id} --publisher {other.KeyId}' and try again" : string.Empty;
        throw new TrustException($"{packageName}: refused: {id} {version} is signed by {signerText}, but {id} is pinned to publisher {pin.Display} (since {pin.Pinned.ToUniversalTime():yyyy-MM-dd}); a plugin does not change publisher silently{repin}. The installed plugin is unchanged");
    }

    /// <summary>Adds the records the source serves for the plugin to the local store when they verify, and explains the certification on this machine.</summary>
    private List<string> StoreCertifications(Manifest.PluginManifest manifest, string sourceName, IReadOnlyList<SignedEnvelope> records, HardwareProfile hardware, TrustPolicy policy)
    {
        var now = _options.TimeProvider.GetUtcNow();
        var store = new CertificationStore(_paths.Home);
        var result = new List<string>();
        foreach (var record in records)
        {
            var where = $"certification record from source '{sourceName}' (key {record.KeyId})";
            try
            {
                var payload = CertificationPayload.Parse(record.Payload.Span, where);
                if (!string.Equals(payload.PluginId, manifest.Id, StringComparison.OrdinalIgnoreCase))
                {
                    result.Add($"{where}: not stored: it is for {payload.PluginId}, not {manifest.Id}");
                    continue;
                }

                var stored = store.Add(record, policy, now, where);
                result.Add($"{where}: stored as {stored.Path}");
            }
            catch (TrustException ex)
            {
                result.Add($"{ex.Message} Not stored.");
            }
        }

        var verdict = new TrustedCertificationCheck(_paths.Home, policy, _options.TimeProvider).Evaluate(manifest, hardware, []);
        result.Add(verdict.Status == CertificationStatus.Unknown
            ? "certification: no records"
            : $"certification: {(verdict.Status == CertificationStatus.Certified ? "certified" : "not certified")} on this machine: {verdict.Reason}");
        return result;
    }

    private string? Switch(string id, string version, string staging)
    {
        var existing = PluginFolder(id);
        var pluginFolder = existing ?? Path.Combine(_paths.Plugins, id);
        Directory.CreateDirectory(pluginFolder);
        var currentFile = Path.Combine(pluginFolder, CurrentFileName);
        var previous = File.Exists(currentFile) ? File.ReadAllText(currentFile).Trim() : null;
        var target = Path.Combine(pluginFolder, version);
        if (Directory.Exists(target))
        {
            // Reinstalling the active version (another build, say): the old folder goes to the trash just before the new one moves in.
            Directory.CreateDirectory(TrashDirectory);
            Directory.Move(target, Path.Combine(TrashDirectory, $"{id}-{version}-{Guid.NewGuid():N}"));
        }

        Directory.Move(staging, target);
        AtomicFile.WriteAllBytes(currentFile, System.Text.Encoding.UTF8.GetBytes(version + "\n"));
        foreach (var old in Directory.EnumerateDirectories(pluginFolder).Where(d => !string.Equals(Path.GetFileName(d), version, StringComparison.Ordinal)).ToList())
        {
            MoveToTrashAndDelete(old);
        }

        CleanLeftovers();
        return previous;
    }

    private InstalledPlugin? Describe(string pluginFolder)
    {
        var id = Path.GetFileName(pluginFolder);
        var currentFile = Path.Combine(pluginFolder, CurrentFileName);
        if (!File.Exists(currentFile))
        {
            return new InstalledPlugin(id, "?", null, "?", null, null, pluginFolder, $"{currentFile} is missing; reinstall the plugin");
        }

        var version = File.ReadAllText(currentFile).Trim();
        var folder = Path.Combine(pluginFolder, version);
        var receiptPath = Path.Combine(folder, InstallReceipt.FileName);
        if (version.Length == 0 || PluginPackageLayout.FindPathProblem(version) is not null || !Directory.Exists(folder))
        {
            return new InstalledPlugin(id, version, null, "?", null, null, folder, $"{currentFile} names version '{version}', whose folder {folder} does not exist; reinstall the plugin");
        }

        try
        {
            var receipt = JsonSerializer.Deserialize<InstallReceipt>(File.ReadAllBytes(receiptPath), InstallReceipt.JsonOptions)
                ?? throw new JsonException("the receipt is null");
            return new InstalledPlugin(receipt.Id, receipt.Version, receipt.Variant, receipt.Source, receipt.PublisherKeyId, receipt.PublisherName, folder);
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return new InstalledPlugin(id, version, null, "?", null, null, folder, $"{receiptPath}: cannot read the install receipt ({ex.Message})");
        }
    }

    private string? PluginFolder(string id)
    {
        if (PluginPackageLayout.FindPathProblem(id) is not null || id.Contains('/', StringComparison.Ordinal) || id.StartsWith('.'))
        {
            throw new RegistryException($"'{id}' is not a valid plugin id");
        }

        if (!Directory.Exists(_paths.Plugins))
        {
            return null;
        }

        return Directory.EnumerateDirectories(_paths.Plugins).FirstOrDefault(d => string.Equals(Path.GetFileName(d), id, StringComparison.OrdinalIgnoreCase));
    }

    private void MoveToTrashAndDelete(string folder)
    {
        Directory.CreateDirectory(TrashDirectory);
        var trash = Path.Combine(TrashDirectory, $"{Path.GetFileName(folder)}-{Guid.NewGuid():N}");
        Directory.Move(folder, trash);
        DeleteDirectory(trash);
    }

    private int CleanLeftovers()
    {
        var removed = 0;
        foreach (var root in new[] { StagingDirectory, TrashDirectory })
        {
            if (!Directory.Exists(root))
            {
                continue;
            }

            foreach (var folder in Directory.EnumerateDirectories(root).ToList())
            {
                try
                {
                    DeleteDirectory(folder);
                    removed++;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // A folder still held open by another process is removed on a later run.
                }
            }
        }

        return removed;
    }

    private FileStream AcquireLock()
    {
        Directory.CreateDirectory(_paths.Plugins);
        var path = Path.Combine(_paths.Plugins, ".lock");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100);
            }
            catch (IOException ex)
            {
                throw new RegistryException(string.Create(CultureInfo.InvariantCulture, $"{path}: another pluginai process is changing the installed plugins; try again when it has finished"), ex);
            }
        }
    }
}
