using System.Globalization;
using System.IO.Compression;
using System.Text;
using NuGet.Packaging;
using NuGet.Packaging.Core;
using NuGet.Versioning;
using PluginAI.Manifest;
using PluginAI.Trust;
using PluginAI.Trust.Content;

namespace PluginAI.Registry;

/// <summary>
/// Opens a plugin package (<c>.nupkg</c>): the nuspec identity, the exact manifest bytes and the parsed manifest, the
/// signature, and the entries under <c>plugin/</c>. Opening refuses unsafe structure (path traversal, absolute paths,
/// drive letters, links, names that collide, too many or too large entries, zip bombs) before anything is decompressed.
/// </summary>
/// <remarks>Not thread-safe: one reader serves one caller at a time.</remarks>
public sealed class PluginPackageReader : IDisposable
{
    private const int UnixFileTypeMask = 0xF000;
    private const int UnixRegularFile = 0x8000;
    private const int UnixDirectory = 0x4000;

    private readonly ZipArchive _zip;
    private readonly Dictionary<string, ZipArchiveEntry> _entries;
    private ModelPackageManifest? _modelManifest;

    private PluginPackageReader(string path, ZipArchive zip, ExtractionLimits limits)
    {
        PackagePath = path;
        _zip = zip;
        Limits = limits;
        var name = System.IO.Path.GetFileName(path);
        _entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var pluginEntries = new List<PluginPackageEntry>();
        var modelEntries = new List<PluginPackageEntry>();
        var extra = new List<string>();
        ZipArchiveEntry? nuspec = null;
        if (zip.Entries.Count > limits.MaxEntries)
        {
            throw new PackageContentException($"{name}: the package has {zip.Entries.Count} entries, more than the limit of {limits.MaxEntries}; refused");
        }

        long total = 0;
        long totalCompressed = 0;
        foreach (var entry in zip.Entries)
        {
            var normalized = PluginPackageLayout.NormalizeEntryName(entry.FullName);
            if (PluginPackageLayout.FindPathProblem(normalized) is { } problem)
            {
                throw new PackageContentException($"{name}: entry '{entry.FullName}' is unsafe: {problem}; refused");
            }

            var type = (entry.ExternalAttributes >> 16) & UnixFileTypeMask;
            var isDirectory = normalized.EndsWith('/') || type == UnixDirectory;
            if (type != 0 && type != UnixRegularFile && !(isDirectory && type == UnixDirectory))
            {
                var what = type == 0xA000 ? "a symbolic link" : "not a regular file";
                throw new PackageContentException($"{name}: entry '{entry.FullName}' is {what}; packages may hold only regular files; refused");
            }

            if (isDirectory)
            {
                if (entry.Length != 0)
                {
                    throw new PackageContentException($"{name}: entry '{entry.FullName}' is a folder with content; refused");
                }

                continue;
            }

            if (seen.TryGetValue(PluginPackageLayout.CollisionKey(normalized), out var earlier))
            {
                throw new PackageContentException($"{name}: entries '{earlier}' and '{entry.FullName}' name the same file (they differ only in letter case, escaping or Unicode form); refused");
            }

            seen.Add(PluginPackageLayout.CollisionKey(normalized), entry.FullName);
            CheckDeclaredSize(name, entry, limits);
            total += entry.Length;
            totalCompressed += entry.CompressedLength;
            if (total > limits.MaxTotalBytes)
            {
                throw new PackageContentException(string.Create(CultureInfo.InvariantCulture, $"{name}: the package expands to more than {limits.MaxTotalBytes} bytes, beyond the size limit; refused"));
            }

            // Many small entries each under the per-entry threshold can still inflate a small package a thousandfold.
            if (total > limits.TotalCompressionRatioThresholdBytes && total > limits.MaxTotalCompressionRatio * Math.Max(totalCompressed, 1))
            {
                throw new PackageContentException(string.Create(CultureInfo.InvariantCulture, $"{name}: the package's entries expand from {totalCompressed} compressed bytes to more than {total} bytes (at entry '{entry.FullName}'), beyond the {limits.MaxTotalCompressionRatio:0.#}:1 compression limit for a whole package; refused as a zip bomb"));
            }

            _entries[normalized] = entry;
            if (normalized.StartsWith(PluginPackageLayout.PluginFolder, StringComparison.Ordinal))
            {
                pluginEntries.Add(new PluginPackageEntry(normalized[PluginPackageLayout.PluginFolder.Length..], entry.FullName, entry.Length, entry.CompressedLength));
            }
            else if (normalized.StartsWith(PluginPackageLayout.ModelFolder, StringComparison.Ordinal))
            {
                modelEntries.Add(new PluginPackageEntry(normalized[PluginPackageLayout.ModelFolder.Length..], entry.FullName, entry.Length, entry.CompressedLength));
            }
            else if (!normalized.Contains('/', StringComparison.Ordinal) && normalized.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase))
            {
                nuspec = nuspec is null ? entry : throw new PackageContentException($"{name}: the package has more than one .nuspec at its root; refused");
            }
            else if (normalized is not PluginPackageLayout.ManifestEntry and not PluginPackageLayout.ModelManifestEntry and not PluginPackageLayout.SignatureEntry && !PluginPackageLayout.IsNuGetEntry(normalized))
            {
                extra.Add(normalized);
            }
        }

        if (nuspec is null)
        {
            throw new PackageContentException($"{name}: not a NuGet package: no .nuspec at the package root");
        }

        using (var stream = OpenBounded(nuspec, nuspec.FullName, 4 * 1024 * 1024))
        {
            var reader = new NuspecReader(stream);
            Identity = reader.GetIdentity();
            Description = reader.GetDescription();
            Tags = (reader.GetTags() ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }

        var hasModelManifest = _entries.TryGetValue(PluginPackageLayout.ModelManifestEntry, out var modelManifestEntry);
        if (!_entries.TryGetValue(PluginPackageLayout.ManifestEntry, out var manifestEntry))
        {
            if (!hasModelManifest)
            {
                throw new PackageContentException($"{name}: package {Identity.Id} {Identity.Version} is not a PluginAI plugin: it has no {PluginManifest.FileName} at its root");
            }

            // A model package: its own manifest, signed as a plugin's is; nothing under plugin/.
            IsModelPackage = true;
            ManifestBytes = ReadAll(modelManifestEntry!, 1024 * 1024);
            SignatureBytes = _entries.TryGetValue(PluginPackageLayout.SignatureEntry, out var modelSignature) ? ReadAll(modelSignature, 1024 * 1024) : null;
            ManifestResult = ManifestReader.Parse("{}", $"{name}: {PluginManifest.FileName}");
            PluginEntries = [];
            ModelEntries = modelEntries;
            ExtraEntries = [.. extra, .. pluginEntries.Select(e => PluginPackageLayout.PluginFolder + e.Path)];
            return;
        }

        if (hasModelManifest)
        {
            extra.Add(PluginPackageLayout.ModelManifestEntry);
        }

        extra.AddRange(modelEntries.Select(e => PluginPackageLayout.ModelFolder + e.Path));
        ModelEntries = [];
        ManifestBytes = ReadAll(manifestEntry, 16 * 1024 * 1024);
        SignatureBytes = _entries.TryGetValue(PluginPackageLayout.SignatureEntry, out var sigEntry) ? ReadAll(sigEntry, 1024 * 1024) : null;
        ManifestResult = ManifestReader.Parse(Utf8(ManifestBytes), $"{name}: {PluginManifest.FileName}");
        if (ManifestResult.Manifest is { } manifest)
        {
            if (!string.Equals(manifest.Id, Identity.Id, StringComparison.OrdinalIgnoreCase))
            {
                throw new PackageContentException($"{name}: {PluginManifest.FileName}: field 'id' is '{manifest.Id}' but the nuspec's id is '{Identity.Id}'; expected the same id in both");
            }

            if (!NuGetVersion.TryParse(manifest.Version.ToString(), out var version) || !VersionComparer.Default.Equals(version, Identity.Version))
            {
                throw new PackageContentException($"{name}: {PluginManifest.FileName}: field 'version' is '{manifest.Version}' but the nuspec's version is '{Identity.Version.ToNormalizedString()}'; expected the same version in both");
            }
        }

        PluginEntries = pluginEntries;
        ExtraEntries = extra;
    }

    /// <summary>Gets the package file.</summary>
    public string PackagePath { get; }

    /// <summary>Gets the limits the package was opened with.</summary>
    public ExtractionLimits Limits { get; }

    /// <summary>Gets the nuspec id and version.</summary>
    public PackageIdentity Identity { get; }

    /// <summary>Gets the nuspec description.</summary>
    public string? Description { get; }

    /// <summary>Gets the nuspec tags.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>Gets a value indicating whether this is a model package (<c>pluginai-model.json</c> and <c>model/</c>) rather than a plugin package.</summary>
    public bool IsModelPackage { get; }

    /// <summary>Gets the exact bytes of <c>pluginai.json</c>, or of <c>pluginai-model.json</c> in a model package.</summary>
    public byte[] ManifestBytes { get; }

    /// <summary>Gets the result of reading the manifest, with its errors and warnings; without a manifest for a model package (<see cref="IsModelPackage"/>), whose manifest is <see cref="ModelManifest"/>.</summary>
    public ManifestReadResult ManifestResult { get; }

    /// <summary>Gets the parsed manifest.</summary>
    /// <exception cref="PackageContentException">The manifest is not valid, or this is a model package.</exception>
    public PluginManifest Manifest => IsModelPackage
        ? throw new PackageContentException($"{System.IO.Path.GetFileName(PackagePath)}: package {Identity.Id} {Identity.Version.ToNormalizedString()} is a model ({PluginPackageLayout.ModelManifestEntry}), not a plugin; refused. Pull it with 'pluginai models pull pkg:{Identity.Id}@{Identity.Version.ToNormalizedString()}'")
        : ManifestResult.Manifest
        ?? throw new PackageContentException($"{System.IO.Path.GetFileName(PackagePath)}: {PluginManifest.FileName} is not valid: {string.Join("; ", ManifestResult.Errors)}");

    /// <summary>Gets the model manifest of a model package, checked against the nuspec's id and version.</summary>
    /// <exception cref="PackageContentException">This is a plugin package, or the model manifest is not valid.</exception>
    public ModelPackageManifest ModelManifest => _modelManifest ??= ReadModelManifest();

    /// <summary>Gets the bytes of <c>pluginai.sig</c>, or <see langword="null"/> when the package is unsigned.</summary>
    public byte[]? SignatureBytes { get; }

    /// <summary>Gets the files under <c>plugin/</c>.</summary>
    public IReadOnlyList<PluginPackageEntry> PluginEntries { get; }

    /// <summary>Gets the files under <c>model/</c> of a model package; empty for a plugin package.</summary>
    public IReadOnlyList<PluginPackageEntry> ModelEntries { get; }

    /// <summary>Gets entries that are neither NuGet's own, the manifest, the signature nor under <c>plugin/</c>; a valid package has none.</summary>
    public IReadOnlyList<string> ExtraEntries { get; }

    /// <summary>Opens a package.</summary>
    /// <param name="path">The <c>.nupkg</c> file.</param>
    /// <param name="limits">The limits; <see langword="null"/> for <see cref="ExtractionLimits.Default"/>.</param>
    /// <returns>The reader.</returns>
    /// <exception cref="PackageContentException">The file is not a zip, not a plugin package, or unsafe.</exception>
    public static PluginPackageReader Open(string path, ExtractionLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException ex)
        {
            throw new PackageContentException($"{path}: not a valid .nupkg: it is not a zip archive ({ex.Message})", ex);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new RegistryException($"{path}: the package file does not exist", ex);
        }

        try
        {
            return new PluginPackageReader(System.IO.Path.GetFullPath(path), zip, limits ?? ExtractionLimits.Default);
        }
        catch (InvalidDataException ex)
        {
            zip.Dispose();
            throw new PackageContentException($"{path}: the package is corrupt: {ex.Message}", ex);
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    /// <summary>Describes the package's content for <see cref="PluginContentVerifier"/>; every entry is read through the size and ratio limits.</summary>
    /// <returns>The content source.</returns>
    public PluginContentSource ToContentSource()
    {
        var manifest = ManifestResult.Manifest;
        var entries = PluginEntries.Select(e =>
        {
            var declared = manifest?.Files.FirstOrDefault(f => f.Path == e.Path)?.Size ?? Limits.MaxEntryBytes;
            return new PackageContentEntry(e.Path, e.Length, () => OpenEntry(e, Math.Min(declared, Limits.MaxEntryBytes)));
        });
        ReadOnlyMemory<byte>? signature = default;
        if (SignatureBytes is not null)
        {
            signature = SignatureBytes;
        }

        return PluginContentSource.FromEntries(System.IO.Path.GetFileName(PackagePath), ManifestBytes, signature, entries);
    }

    /// <summary>Verifies the publisher signature and, when asked, every file's size and SHA-256, and refuses extra entries at the package root.</summary>
    /// <param name="policy">The trust policy.</param>
    /// <param name="allowUnsigned">Whether unsigned or untrusted packages are let through (<c>--allow-unsigned</c>).</param>
    /// <param name="hashFiles">Whether to hash every file; <see langword="false"/> when the caller extracts with <see cref="SafePackageExtractor"/>, which checks each file as it writes it.</param>
    /// <param name="cancellationToken">A token to cancel hashing.</param>
    /// <returns>The verifier's result.</returns>
    /// <exception cref="PackageContentException">The package has extra entries at its root, or it is a model package (see <see cref="VerifyModel"/>).</exception>
    public ContentVerificationResult Verify(TrustPolicy policy, bool allowUnsigned = false, bool hashFiles = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (IsModelPackage)
        {
            // The plugin manifest's refusal names the package as a model and says how to pull it.
            _ = Manifest;
        }

        EnsureNoExtraEntries();
        var options = ContentVerificationOptions.Default with
        {
            AllowUnsigned = allowUnsigned,
            HashFiles = hashFiles,
            ParallelThresholdBytes = long.MaxValue,
            MaxDegreeOfParallelism = 1,
        };
        return PluginContentVerifier.Verify(ToContentSource(), policy, options, cancellationToken);
    }

    /// <summary>
    /// Verifies a model package as <see cref="Verify"/> verifies a plugin: the publisher signature over
    /// <c>pluginai-model.json</c> by the same rules, and, when asked, the model file's size and SHA-256.
    /// </summary>
    /// <param name="policy">The trust policy.</param>
    /// <param name="allowUnsigned">Whether unsigned or untrusted packages are let through (<c>--allow-unsigned</c>).</param>
    /// <param name="hashFiles">Whether to hash the model file; <see langword="false"/> when the caller hashes it as it extracts it.</param>
    /// <param name="cancellationToken">A token to cancel hashing.</param>
    /// <returns>The verifier's result.</returns>
    /// <exception cref="PackageContentException">This is a plugin package, or the package has extra entries at its root.</exception>
    public ContentVerificationResult VerifyModel(TrustPolicy policy, bool allowUnsigned = false, bool hashFiles = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        EnsureNoExtraEntries();
        IReadOnlyList<PackageFileHash>? files = null;
        var errors = new List<string>();
        try
        {
            files = ModelManifest.Files;
        }
        catch (PackageContentException ex) when (IsModelPackage)
        {
            errors.Add(ex.Message);
        }

        var entries = ModelEntries.Select(e => new PackageContentEntry(e.Path, e.Length, () => OpenModelEntry(e, Math.Min(files?.FirstOrDefault(f => f.Path == e.Path)?.Size ?? Limits.MaxEntryBytes, Limits.MaxEntryBytes))));
        ReadOnlyMemory<byte>? signature = default;
        if (SignatureBytes is not null)
        {
            signature = SignatureBytes;
        }

        var content = PluginContentSource.FromEntries(System.IO.Path.GetFileName(PackagePath), ManifestBytes, signature, entries, PluginPackageLayout.ModelFolder);
        var options = ContentVerificationOptions.Default with { AllowUnsigned = allowUnsigned, HashFiles = hashFiles, ParallelThresholdBytes = long.MaxValue, MaxDegreeOfParallelism = 1 };
        return PluginContentVerifier.VerifyFileList(content, PluginPackageLayout.ModelManifestEntry, files, errors, policy, options, cancellationToken);
    }

    /// <summary>Throws when the package holds entries that are not part of the package layout.</summary>
    /// <exception cref="PackageContentException">An extra entry exists.</exception>
    public void EnsureNoExtraEntries()
    {
        if (ExtraEntries.Count > 0)
        {
            var layout = IsModelPackage
                ? $"a model package holds only the nuspec, {PluginPackageLayout.ModelManifestEntry}, {PluginPackageLayout.SignatureEntry} and {PluginPackageLayout.ModelFolder}**"
                : $"a plugin package holds only the nuspec, {PluginManifest.FileName}, {PluginPackageLayout.SignatureEntry} and plugin/**";
            throw new PackageContentException($"{System.IO.Path.GetFileName(PackagePath)}: extra file{(ExtraEntries.Count > 1 ? "s" : string.Empty)} {string.Join(", ", ExtraEntries.Select(e => $"'{e}'"))}: {layout}; refused");
        }
    }

    /// <summary>Opens a file under <c>plugin/</c> for reading, failing once it yields more than <paramref name="maxBytes"/> bytes or expands beyond the ratio limit.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="maxBytes">The most bytes it may hold.</param>
    /// <returns>The stream.</returns>
    internal Stream OpenEntry(PluginPackageEntry entry, long maxBytes) =>
        OpenBounded(_entries[PluginPackageLayout.PluginFolder + entry.Path], PluginPackageLayout.PluginFolder + entry.Path, maxBytes);

    /// <summary>Opens a file under <c>model/</c> for reading, within the same limits as <see cref="OpenEntry"/>.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="maxBytes">The most bytes it may hold.</param>
    /// <returns>The stream.</returns>
    internal Stream OpenModelEntry(PluginPackageEntry entry, long maxBytes) =>
        OpenBounded(_entries[PluginPackageLayout.ModelFolder + entry.Path], PluginPackageLayout.ModelFolder + entry.Path, maxBytes);

    /// <inheritdoc />
    public void Dispose() => _zip.Dispose();

    private ModelPackageManifest ReadModelManifest()
    {
        var name = System.IO.Path.GetFileName(PackagePath);
        if (!IsModelPackage)
        {
            throw new PackageContentException($"{name}: package {Identity.Id} {Identity.Version.ToNormalizedString()} is a plugin ({PluginManifest.FileName}), not a model; refused. Install it with 'pluginai plugins install {Identity.Id}'");
        }

        var manifest = ModelPackageManifest.Parse(ManifestBytes, name);
        if (!string.Equals(manifest.Id, Identity.Id, StringComparison.OrdinalIgnoreCase))
        {
            throw new PackageContentException($"{name}: {PluginPackageLayout.ModelManifestEntry}: field 'id' is '{manifest.Id}' but the nuspec's id is '{Identity.Id}'; expected the same id in both");
        }

        if (!string.Equals(manifest.Version, Identity.Version.ToNormalizedString(), StringComparison.OrdinalIgnoreCase))
        {
            throw new PackageContentException($"{name}: {PluginPackageLayout.ModelManifestEntry}: field 'version' is '{manifest.Version}' but the nuspec's version is '{Identity.Version.ToNormalizedString()}'; expected the same version in both");
        }

        return manifest;
    }

    private static void CheckDeclaredSize(string package, ZipArchiveEntry entry, ExtractionLimits limits)
    {
        if (entry.Length > limits.MaxEntryBytes)
        {
            throw new PackageContentException(string.Create(CultureInfo.InvariantCulture, $"{package}: entry '{entry.FullName}' declares {entry.Length} bytes, more than the limit of {limits.MaxEntryBytes}; refused"));
        }

        if (entry.Length > limits.CompressionRatioThresholdBytes && entry.Length > limits.MaxCompressionRatio * Math.Max(entry.CompressedLength, 1))
        {
            throw new PackageContentException(string.Create(CultureInfo.InvariantCulture, $"{package}: entry '{entry.FullName}' expands from {entry.CompressedLength} to {entry.Length} bytes, beyond the {limits.MaxCompressionRatio:0.#}:1 compression limit; refused as a zip bomb"));
        }
    }

    private static string Utf8(byte[] bytes)
    {
        ReadOnlySpan<byte> bom = [0xEF, 0xBB, 0xBF];
        return Encoding.UTF8.GetString(bytes.AsSpan().StartsWith(bom) ? bytes.AsSpan(3) : bytes);
    }

    private Stream OpenBounded(ZipArchiveEntry entry, string name, long maxBytes) =>
        new BoundedEntryStream(entry.Open(), $"{System.IO.Path.GetFileName(PackagePath)}: {name}", maxBytes, entry.CompressedLength, Limits);

    private byte[] ReadAll(ZipArchiveEntry entry, long maxBytes)
    {
        using var stream = OpenBounded(entry, entry.FullName, maxBytes);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
