using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using NuGet.Versioning;

namespace PluginAI.Registry.Server;

/// <summary>The package folder and its SQLite index kept in step: atomic stores and start-up reconciliation.</summary>
internal sealed class PackageStore(string root, RegistryDatabase database, TimeProvider time, ILogger logger)
{
    private const string UnlistedMarker = ".unlisted";
    private const string CertificationsFolderName = ".certifications";

    public string Root { get; } = root;

    public RegistryDatabase Database { get; } = database;

    public string TempDirectory => Path.Combine(Root, ".tmp");

    /// <summary>The folder of a plugin's certification records, beside its versions, so a rebuilt index keeps them.</summary>
    public string CertificationsPath(string lowerId) => Path.Combine(Root, lowerId, CertificationsFolderName);

    /// <summary>Writes a certification envelope into the package folder (atomically) before it is indexed.</summary>
    public void SaveCertification(string lowerId, string sha256, ReadOnlySpan<byte> envelope) =>
        PluginAI.Trust.AtomicFile.WriteAllBytes(Path.Combine(CertificationsPath(lowerId), sha256 + ".json"), envelope);

    public string PackagePath(string lowerId, string lowerVersion) => Path.Combine(Root, lowerId, lowerVersion, $"{lowerId}.{lowerVersion}.nupkg");

    /// <summary>Moves a validated temporary file into place, then indexes it; false when the id and version exist.</summary>
    public const string OwnerFileName = ".owner";

    /// <summary>Gets the publisher key id that owns a plugin id: the signer of its first signed push, kept in <c>&lt;id&gt;/.owner</c> beside the packages so that it survives a rebuilt <c>registry.db</c>.</summary>
    public string? Owner(string lowerId)
    {
        var path = Path.Combine(Root, lowerId, OwnerFileName);
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim() is { Length: > 0 } owner ? owner : null;
        }

        // Ids pushed before owners were kept belong to the signer of their oldest stored package.
        var folder = Path.Combine(Root, lowerId);
        if (!Directory.Exists(folder))
        {
            return null;
        }

        return Directory.EnumerateDirectories(folder)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .Select(d => PackagePath(lowerId, Path.GetFileName(d)))
            .Where(File.Exists)
            .OrderBy(File.GetLastWriteTimeUtc)
            .Select(f => PackageInspector.Inspect(f, string.Empty, 0).SignerKeyId)
            .FirstOrDefault(k => k is not null);
    }

    /// <summary>Stores a pushed package unless its version exists or its id is owned by another publisher key.</summary>
    /// <returns>Whether it was stored; when not, the owner that refused it (<see langword="null"/> when the version exists).</returns>
    public async Task<(bool Stored, string? RefusingOwner)> CommitOwnedAsync(PushedPackage package, CancellationToken cancellationToken)
    {
        var lower = package.Id.ToLowerInvariant();
        await Database.WriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var owner = Owner(lower);
            if (owner is not null && !string.Equals(owner, package.SignerKeyId, StringComparison.OrdinalIgnoreCase))
            {
                return (false, owner);
            }

            var stored = CommitLocked(package);
            if (stored && owner is null && package.SignerKeyId is { } signer)
            {
                PluginAI.Trust.AtomicFile.WriteAllBytes(Path.Combine(Root, lower, OwnerFileName), System.Text.Encoding.UTF8.GetBytes(signer + "\n"));
            }
            else if (stored && owner is not null && !File.Exists(Path.Combine(Root, lower, OwnerFileName)))
            {
                PluginAI.Trust.AtomicFile.WriteAllBytes(Path.Combine(Root, lower, OwnerFileName), System.Text.Encoding.UTF8.GetBytes(owner + "\n"));
            }

            return (stored, null);
        }
        finally
        {
            Database.WriteLock.Release();
        }
    }

    private bool CommitLocked(PushedPackage package)
    {
        var record = PackageRecord.FromPackage(package, time.GetUtcNow(), listed: true);
        var contributors = package.Manifest is { } pluginManifest ? ContributorRow.FromManifest(pluginManifest, record.Id, record.Version) : Array.Empty<ContributorRow>();
        var target = PackagePath(record.LowerId, record.LowerVersion);
        if (Database.Exists(record.LowerId, record.LowerVersion) || File.Exists(target))
        {
            return false;
        }

        var folder = Path.GetDirectoryName(target)!;
        var created = !Directory.Exists(folder);
        Directory.CreateDirectory(folder);
        try
        {
            File.Move(package.FilePath, target, overwrite: false);
        }
        catch (IOException) when (File.Exists(target))
        {
            return false;
        }

        try
        {
            if (!Database.Insert(record, contributors))
            {
                File.Delete(target);
                return false;
            }
        }
        catch
        {
            File.Delete(target);
            if (created)
            {
                TryDeleteEmpty(folder);
            }

            throw;
        }

        return true;
    }

    /// <summary>Lists or unlists a version; null when it does not exist.</summary>
    public async Task<bool?> SetListedAsync(string lowerId, string lowerVersion, bool listed, CancellationToken cancellationToken)
    {
        await Database.WriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var changed = Database.SetListed(lowerId, lowerVersion, listed);
            var marker = Path.Combine(Root, lowerId, lowerVersion, UnlistedMarker);
            if (changed is not null && Directory.Exists(Path.GetDirectoryName(marker)))
            {
                if (listed)
                {
                    File.Delete(marker);
                }
                else if (!File.Exists(marker))
                {
                    await File.WriteAllBytesAsync(marker, [], CancellationToken.None).ConfigureAwait(false);
                }
            }

            return changed;
        }
        finally
        {
            Database.WriteLock.Release();
        }
    }

    /// <summary>Brings the index in line with the folder: files missing from the index are indexed, rows without a file dropped.</summary>
    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Root);
        if (Directory.Exists(TempDirectory))
        {
            foreach (var stale in Directory.EnumerateFiles(TempDirectory))
            {
                File.Delete(stale);
            }
        }

        var known = Database.AllKeys().ToHashSet();
        var onDisk = new HashSet<(string, string)>();
        var found = new List<(PackageRecord, IReadOnlyList<ContributorRow>)>();
        foreach (var idFolder in Directory.EnumerateDirectories(Root))
        {
            var lowerId = Path.GetFileName(idFolder);
            if (lowerId.StartsWith('.'))
            {
                continue;
            }

            foreach (var versionFolder in Directory.EnumerateDirectories(idFolder))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var lowerVersion = Path.GetFileName(versionFolder);
                if (lowerVersion.StartsWith('.'))
                {
                    continue;
                }

                var file = PackagePath(lowerId, lowerVersion);
                if (!File.Exists(file))
                {
                    continue;
                }

                onDisk.Add((lowerId, lowerVersion));
                if (known.Contains((lowerId, lowerVersion)))
                {
                    continue;
                }

                if (await ReadExistingAsync(file, lowerId, lowerVersion, File.Exists(Path.Combine(versionFolder, UnlistedMarker)), cancellationToken).ConfigureAwait(false) is { } entry)
                {
                    found.Add(entry);
                }
            }
        }

        var changed = found.Count > 0 && Database.InsertMany(found) > 0;
        foreach (var (lowerId, lowerVersion) in known.Where(k => !onDisk.Contains(k)))
        {
            logger.LogWarning("The package file of {Id} {Version} is gone; dropping it from the index", lowerId, lowerVersion);
            changed |= Database.Delete(lowerId, lowerVersion, bumpVersion: false);
        }

        changed |= RestoreCertifications();
        if (changed)
        {
            Database.BumpVersion();
        }
    }

    /// <summary>Indexes the certification records kept in the folder that the index lacks (after a rebuild).</summary>
    private bool RestoreCertifications()
    {
        var restored = false;
        foreach (var folder in Directory.EnumerateDirectories(Root, CertificationsFolderName, SearchOption.AllDirectories))
        {
            var lowerId = Path.GetFileName(Path.GetDirectoryName(folder)!);
            var versions = Database.Versions(lowerId);
            if (versions.Count == 0)
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(folder, "*.json"))
            {
                var bytes = File.ReadAllBytes(file);
                restored |= Database.AddCertification(versions[0].Id, Path.GetFileNameWithoutExtension(file), PackageInspector.DecodeUtf8(bytes), File.GetLastWriteTimeUtc(file));
            }
        }

        return restored;
    }

    private async Task<(PackageRecord, IReadOnlyList<ContributorRow>)?> ReadExistingAsync(string file, string lowerId, string lowerVersion, bool unlisted, CancellationToken cancellationToken)
    {
        string sha;
        long size;
        var stream = File.OpenRead(file);
        await using (stream.ConfigureAwait(false))
        {
            sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
            size = stream.Length;
        }

        var package = PackageInspector.Inspect(file, sha, size);
        var check = await ManifestPushValidator.Instance.ValidateAsync(package, cancellationToken).ConfigureAwait(false);
        if (!check.IsValid)
        {
            logger.LogWarning("Not indexing {File}: {Reason}", file, check.Reason);
            return null;
        }

        var record = PackageRecord.FromPackage(package, File.GetLastWriteTimeUtc(file), listed: !unlisted);
        if (record.LowerId != lowerId || record.LowerVersion != lowerVersion)
        {
            logger.LogWarning("Not indexing {File}: it holds {Id} {Version}, which belongs in another folder", file, record.Id, record.Version);
            return null;
        }

        logger.LogInformation("Indexing {Id} {Version} found in the package folder", record.Id, record.Version);
        return (record, (package.Manifest is { } pluginManifest ? ContributorRow.FromManifest(pluginManifest, record.Id, record.Version) : Array.Empty<ContributorRow>()));
    }

    private static void TryDeleteEmpty(string folder)
    {
        try
        {
            if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
            {
                Directory.Delete(folder);
            }
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Normalises an id and version from a request path; null when the version is not a NuGet version.</summary>
    public static (string LowerId, string LowerVersion)? Key(string id, string version) =>
        NuGetVersion.TryParse(version, out var parsed) ? (id.ToLowerInvariant(), parsed.ToNormalizedString().ToLowerInvariant()) : null;
}
