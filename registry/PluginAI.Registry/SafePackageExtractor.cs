using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using PluginAI.Manifest;
using PluginAI.Trust.Content;

namespace PluginAI.Registry;

/// <summary>
/// Extracts a plugin package into a folder, trusting nothing in the zip: every path is checked, every file must be
/// listed in the manifest, and each file is hashed as it is written and must match the manifest's size and SHA-256.
/// </summary>
public static class SafePackageExtractor
{
    private const int BufferSize = 128 * 1024;

    /// <summary>Extracts the base files and one variant's sub-folder, plus <c>pluginai.json</c> and <c>pluginai.sig</c>.</summary>
    /// <param name="package">The opened package (its structure was checked when it was opened).</param>
    /// <param name="targetDirectory">An empty or absent folder to extract into.</param>
    /// <param name="variant">The variant whose sub-folder to extract, or <see langword="null"/> for the base build alone.</param>
    /// <param name="cancellationToken">A token to cancel extraction.</param>
    /// <returns>What was written.</returns>
    /// <exception cref="PackageContentException">An entry is not listed in the manifest, is larger than declared or than the limits, or its hash differs; a listed file is missing.</exception>
    public static ExtractionResult Extract(PluginPackageReader package, string targetDirectory, string? variant = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(package);
        ArgumentException.ThrowIfNullOrEmpty(targetDirectory);
        var manifest = package.Manifest;
        var name = Path.GetFileName(package.PackagePath);
        package.EnsureNoExtraEntries();
        if (variant is not null && !manifest.Variants.Any(v => v.Name == variant))
        {
            throw new RegistryException($"{name}: the manifest has no variant '{variant}'; it has {(manifest.Variants.Count == 0 ? "none" : string.Join(", ", manifest.Variants.Select(v => v.Name)))}");
        }

        var listed = new Dictionary<string, PackageFileHash>(StringComparer.Ordinal);
        var listedKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in manifest.Files)
        {
            if (!listedKeys.Add(PluginPackageLayout.CollisionKey(file.Path)) || !listed.TryAdd(file.Path, file))
            {
                throw new PackageContentException($"{name}: {PluginManifest.FileName}: field 'files': '{file.Path}' is listed twice (or twice with different letter case); refused");
            }

            if (PluginPackageLayout.FindPathProblem(file.Path) is { } problem)
            {
                throw new PackageContentException($"{name}: {PluginManifest.FileName}: field 'files': '{file.Path}' is unsafe: {problem}; refused");
            }
        }

        foreach (var entry in package.PluginEntries)
        {
            if (!listed.ContainsKey(entry.Path))
            {
                throw new PackageContentException($"{name}: entry 'plugin/{entry.Path}' is not listed in the manifest's files; refused");
            }
        }

        var root = Path.GetFullPath(targetDirectory);
        Directory.CreateDirectory(root);
        var rootPrefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        var include = ContentVerificationOptions.BaseAndVariant(variant);
        var present = package.PluginEntries.ToDictionary(e => e.Path, StringComparer.Ordinal);
        var written = new List<string>();
        long total = 0;
        foreach (var expected in manifest.Files.Where(f => include(manifest, f.Path)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!present.TryGetValue(expected.Path, out var entry))
            {
                throw new PackageContentException($"{name}: 'plugin/{expected.Path}' is listed in the manifest but missing from the package; refused");
            }

            if (total + expected.Size > package.Limits.MaxTotalBytes)
            {
                throw new PackageContentException(string.Create(CultureInfo.InvariantCulture, $"{name}: the files to extract hold more than {package.Limits.MaxTotalBytes} bytes, beyond the size limit; refused"));
            }

            var destination = Path.GetFullPath(Path.Combine(root, expected.Path));
            if (!destination.StartsWith(rootPrefix, StringComparison.Ordinal))
            {
                throw new PackageContentException($"{name}: 'plugin/{expected.Path}' would be written outside {root}; refused");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            var (sha, size) = Write(package, entry, Math.Min(expected.Size, package.Limits.MaxEntryBytes), destination);
            if (size != expected.Size)
            {
                throw new PackageContentException(string.Create(CultureInfo.InvariantCulture, $"{name}: 'plugin/{expected.Path}' holds {size} bytes, the manifest says {expected.Size}; refused"));
            }

            if (!string.Equals(sha, expected.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new PackageContentException($"{name}: 'plugin/{expected.Path}' has SHA-256 {sha[..16]}…, the manifest says {expected.Sha256[..Math.Min(16, expected.Sha256.Length)]}…; the file was altered or corrupted; refused");
            }

            total += size;
            written.Add(expected.Path);
        }

        WriteNew(Path.Combine(root, PluginManifest.FileName), package.ManifestBytes);
        if (package.SignatureBytes is { } signature)
        {
            WriteNew(Path.Combine(root, PluginPackageLayout.SignatureEntry), signature);
        }

        return new ExtractionResult(root, written, total);
    }

    /// <summary>
    /// Extracts the model file of a model package to one path, hashing it as it is written: the file must have the size
    /// and SHA-256 of the signed model manifest. On any failure the file is deleted.
    /// </summary>
    /// <param name="package">The opened model package.</param>
    /// <param name="destination">The file to write; it must not exist.</param>
    /// <param name="cancellationToken">A token to cancel extraction.</param>
    /// <returns>The model file's manifest entry, which the written file matches.</returns>
    /// <exception cref="PackageContentException">The package is not a model package, has extra entries, its model file is missing, larger than declared or than the limits, or its hash differs.</exception>
    public static PackageFileHash ExtractModel(PluginPackageReader package, string destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(package);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        var manifest = package.ModelManifest;
        var name = Path.GetFileName(package.PackagePath);
        package.EnsureNoExtraEntries();
        foreach (var entry in package.ModelEntries)
        {
            if (!manifest.Files.Any(f => f.Path == entry.Path))
            {
                throw new PackageContentException($"{name}: entry '{PluginPackageLayout.ModelFolder}{entry.Path}' is not listed in the manifest's files; refused");
            }
        }

        var expected = manifest.ModelFile;
        var present = package.ModelEntries.FirstOrDefault(e => e.Path == expected.Path)
            ?? throw new PackageContentException($"{name}: '{PluginPackageLayout.ModelFolder}{expected.Path}' is listed in the manifest but missing from the package; refused");
        if (expected.Size > package.Limits.MaxTotalBytes || expected.Size > package.Limits.MaxEntryBytes)
        {
            throw new PackageContentException(string.Create(CultureInfo.InvariantCulture, $"{name}: the files to extract hold more than {Math.Min(package.Limits.MaxTotalBytes, package.Limits.MaxEntryBytes)} bytes, beyond the size limit; refused"));
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (File.Exists(destination))
        {
            throw new RegistryException($"{destination} already exists; the model file is not written over");
        }

        var completed = false;
        try
        {
            var (sha, size) = Write(package.OpenModelEntry(present, expected.Size), destination, cancellationToken);
            if (size != expected.Size)
            {
                throw new PackageContentException(string.Create(CultureInfo.InvariantCulture, $"{name}: '{PluginPackageLayout.ModelFolder}{expected.Path}' holds {size} bytes, the manifest says {expected.Size}; refused"));
            }

            if (!string.Equals(sha, expected.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new PackageContentException($"{name}: '{PluginPackageLayout.ModelFolder}{expected.Path}' has SHA-256 {sha[..16]}…, the manifest says {expected.Sha256[..Math.Min(16, expected.Sha256.Length)]}…; the file was altered or corrupted; refused");
            }

            completed = true;
            return expected;
        }
        finally
        {
            if (!completed)
            {
                File.Delete(destination);
            }
        }
    }

    private static (string Sha256, long Size) Write(PluginPackageReader package, PluginPackageEntry entry, long maxBytes, string destination) =>
        Write(package.OpenEntry(entry, maxBytes), destination, CancellationToken.None);

    private static (string Sha256, long Size) Write(Stream entryStream, string destination, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long size = 0;
        try
        {
            using var source = entryStream;
            using var target = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1);
            int read;
            while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                hash.AppendData(buffer, 0, read);
                target.Write(buffer, 0, read);
                size += read;
            }

            target.Flush(flushToDisk: true);
        }
        catch (InvalidDataException ex)
        {
            throw new PackageContentException(ex.Message, ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return (Convert.ToHexStringLower(hash.GetHashAndReset()), size);
    }

    private static void WriteNew(string path, byte[] bytes)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }
}
