using System.IO.Compression;
using System.Text;
using NuGet.Packaging;
using NuGet.Packaging.Core;
using PluginAI.Manifest;

namespace PluginAI.Registry.Server;

/// <summary>Reads what the registry needs from a package file: the nuspec, the manifest and whether it is signed.</summary>
internal static class PackageInspector
{
    public const string SignatureFileName = "pluginai.sig";

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

                NuspecReader nuspec;
                using (var stream = nuspecEntries[0].Open())
                {
                    nuspec = new NuspecReader(stream);
                }

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
                    var bytes = ReadAll(manifest);
                    package.ManifestBytes = bytes;
                    package.ManifestResult = ManifestReader.Parse(DecodeUtf8(bytes), PluginManifest.FileName);
                }

                package.HasSignature = zip.GetEntry(SignatureFileName) is not null;
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
        return entry is null ? null : ReadAll(entry);
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

    private static byte[] ReadAll(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
