using System.IO.Compression;
using System.Text;
using NuGet.Packaging;
using NuGet.Packaging.Core;
using PluginAI.Manifest;
using PluginAI.Registry;

namespace PluginAI.Registry.Server;

/// <summary>Reads what the registry needs from a package file: the nuspec, the manifest and whether it is signed.</summary>
internal static class PackageInspector
{
    public const string SignatureFileName = "pluginai.sig";

    /// <summary>The largest nuspec read; real ones are a few kilobytes.</summary>
    public const int MaxNuspecBytes = 1024 * 1024;

    /// <summary>The largest manifest read; it lists every file's hash, about 150 bytes a file.</summary>
    public const int MaxManifestBytes = 16 * 1024 * 1024;

    /// <summary>The largest model manifest read; it lists one file.</summary>
    public const int MaxModelManifestBytes = 64 * 1024;

    /// <summary>The largest <c>pluginai.sig</c> read to learn which key signed a package.</summary>
    public const int MaxSignatureBytes = 64 * 1024;

    public static PushedPackage Inspect(string path, string sha256, long size)
    {
        var package = new PushedPackage(path, sha256, size);
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException)
        {
            package.Problem = "the file is not a valid .nupkg: it is not a zip archive";
            return package;
        }

        using (zip)
        {
            try
            {
                var nuspecEntries = zip.Entries.Where(e => !e.FullName.Contains('/', StringComparison.Ordinal) && e.FullName.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase)).ToList();
                if (nuspecEntries.Count != 1)
                {
                    package.Problem = nuspecEntries.Count == 0
                        ? "the file is not a valid .nupkg: it has no .nuspec at its root"
                        : "the file is not a valid .nupkg: it has more than one .nuspec at its root";
                    return package;
                }

                // Every entry is read with a limit checked before and while reading, so that a small package that
                // inflates to gigabytes costs at most the limit.
                var nuspecBytes = ReadBounded(nuspecEntries[0], MaxNuspecBytes, out var nuspecProblem);
                if (nuspecBytes is null)
                {
                    package.Problem = nuspecProblem;
                    return package;
                }

                var nuspec = new NuspecReader(new MemoryStream(nuspecBytes));

                package.Id = nuspec.GetId();
                package.Version = nuspec.GetVersion();
                package.Nuspec = nuspec;
                if (string.IsNullOrWhiteSpace(package.Id))
                {
                    package.Problem = "the nuspec has no id";
                    return package;
                }

                var manifest = zip.GetEntry(PluginManifest.FileName);
                if (manifest is not null)
                {
                    var bytes = ReadBounded(manifest, MaxManifestBytes, out var manifestProblem);
                    if (bytes is null)
                    {
                        package.Problem = manifestProblem;
                        return package;
                    }

                    package.ManifestBytes = bytes;
                    package.ManifestResult = ManifestReader.Parse(DecodeUtf8(bytes), PluginManifest.FileName);
                }

                var modelManifest = zip.GetEntry(ModelPackageManifest.FileName);
                if (manifest is not null && modelManifest is not null)
                {
                    package.Problem = $"the package has both {PluginManifest.FileName} and {ModelPackageManifest.FileName} at its root; a package is either a plugin or a model, never both";
                    return package;
                }

                if (modelManifest is not null)
                {
                    var bytes = ReadBounded(modelManifest, MaxModelManifestBytes, out var modelProblem);
                    if (bytes is null)
                    {
                        package.Problem = modelProblem;
                        return package;
                    }

                    package.ManifestBytes = bytes;
                    try
                    {
                        package.ModelManifest = ModelPackageManifest.Parse(bytes, package.Id);
                    }
                    catch (PackageContentException ex)
                    {
                        package.ModelManifestProblem = ex.Message;
                    }
                }

                if (zip.GetEntry(SignatureFileName) is { } signature)
                {
                    package.HasSignature = true;
                    package.SignerKeyId = SignerKeyId(signature);
                }
            }
            catch (Exception ex) when (ex is InvalidDataException or System.Xml.XmlException or PackagingException or ArgumentException or FormatException or InvalidOperationException)
            {
                package.Problem = $"the file is not a valid .nupkg: {ex.Message}";
            }
        }

        return package;
    }

    /// <summary>Reads the exact bytes of a root entry, or returns <see langword="null"/> when the package has no such entry.</summary>
    public static byte[]? ReadEntry(string packagePath, string entryName)
    {
        using var zip = ZipFile.OpenRead(packagePath);
        var entry = entryName.EndsWith(".nuspec", StringComparison.Ordinal)
            ? zip.Entries.FirstOrDefault(e => !e.FullName.Contains('/', StringComparison.Ordinal) && e.FullName.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase))
            : zip.GetEntry(entryName);
        var limit = entry is null ? 0
            : entry.FullName.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase) ? MaxNuspecBytes
            : entry.FullName == ModelPackageManifest.FileName ? MaxModelManifestBytes
            : MaxManifestBytes;
        return entry is null ? null : ReadBounded(entry, limit, out _);
    }

    public static string DecodeUtf8(byte[] bytes)
    {
        var span = bytes.AsSpan();
        if (span.StartsWith(Encoding.UTF8.Preamble))
        {
            span = span[Encoding.UTF8.Preamble.Length..];
        }

        return Encoding.UTF8.GetString(span);
    }

    /// <summary>The key id the signature envelope names, or <see langword="null"/> when it cannot be read.</summary>
    /// <remarks>Only the claim is read: the registry does not hold publishers' public keys, so clients verify the signature.</remarks>
    private static string? SignerKeyId(ZipArchiveEntry entry)
    {
        if (ReadBounded(entry, MaxSignatureBytes, out _) is not { } bytes)
        {
            return null;
        }

        try
        {
            return PluginAI.Trust.SignedEnvelope.Parse(bytes, SignatureFileName).KeyId;
        }
        catch (PluginAI.Trust.TrustException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads an entry if it is at most <paramref name="limit"/> bytes: the size the archive declares is checked first,
    /// and the bytes inflated are counted, since the declaration can lie.
    /// </summary>
    private static byte[]? ReadBounded(ZipArchiveEntry entry, int limit, out string? problem)
    {
        problem = $"the file is not a valid .nupkg: {entry.FullName} is larger than the {limit / 1024} KiB this registry reads";
        if (entry.Length > limit)
        {
            return null;
        }

        using var stream = entry.Open();
        var buffer = new byte[(int)Math.Min(entry.Length, limit) + 1];
        var total = 0;
        int read;
        while ((read = stream.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += read;
            if (total == buffer.Length)
            {
                if (total > limit)
                {
                    return null;
                }

                // The entry holds more than it declared: read on, up to the limit.
                Array.Resize(ref buffer, Math.Min(limit + 1, buffer.Length * 2));
            }
        }

        problem = null;
        return buffer.AsSpan(0, total).ToArray();
    }
}
