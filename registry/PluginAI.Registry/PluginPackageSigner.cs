using System.IO.Compression;
using PluginAI.Manifest;
using PluginAI.Trust;
using PluginAI.Trust.Content;

namespace PluginAI.Registry;

/// <summary>Signs an existing plugin package, such as one <c>dotnet pack</c> made: adds or replaces <c>pluginai.sig</c>.</summary>
public static class PluginPackageSigner
{
    /// <summary>Signs a package in place.</summary>
    /// <param name="packagePath">The <c>.nupkg</c>.</param>
    /// <param name="key">The publisher key, with its private part.</param>
    /// <param name="cancellationToken">A token to cancel hashing.</param>
    /// <returns>The key id that signed the package.</returns>
    /// <exception cref="PackageContentException">The package is unsafe, its manifest lists no files, or its <c>files</c> list does not match its content.</exception>
    public static string Sign(string packagePath, SigningKey key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(packagePath);
        ArgumentNullException.ThrowIfNull(key);
        var full = Path.GetFullPath(packagePath);
        byte[] manifestBytes;
        using (var reader = PluginPackageReader.Open(full))
        {
            if (reader.IsModelPackage)
            {
                var checkedModel = reader.VerifyModel(new TrustPolicy(), allowUnsigned: true, cancellationToken: cancellationToken);
                var modelMismatches = checkedModel.Problems.Where(p => !p.Allowed).ToList();
                if (modelMismatches.Count > 0)
                {
                    throw new PackageContentException($"{Path.GetFileName(full)}: the content does not match the model manifest's files list, so it was not signed:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", modelMismatches)}");
                }

                return Replace(full, ManifestSigner.Sign(reader.ManifestBytes, key), key);
            }

            var manifest = reader.Manifest;
            if (manifest.Files.Count == 0)
            {
                throw new PackageContentException($"{Path.GetFileName(full)}: {PluginManifest.FileName} lists no files, so a signature would not cover the plugin's content; pack it with 'pluginai pack' or the PluginAI SDK");
            }

            // Check the content against the manifest with an unsigned-tolerant policy: only the hashes matter here.
            var result = reader.Verify(new TrustPolicy(), allowUnsigned: true, cancellationToken: cancellationToken);
            var mismatches = result.Problems.Where(p => !p.Allowed).ToList();
            if (mismatches.Count > 0)
            {
                throw new PackageContentException($"{Path.GetFileName(full)}: the content does not match the manifest's files list, so it was not signed:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", mismatches)}");
            }

            manifestBytes = reader.ManifestBytes;
        }

        return Replace(full, ManifestSigner.Sign(manifestBytes, key), key);
    }

    private static string Replace(string full, byte[] signature, SigningKey key)
    {
        var temp = full + $".{Guid.NewGuid():N}.tmp";
        try
        {
            File.Copy(full, temp);
            using (var zip = ZipFile.Open(temp, ZipArchiveMode.Update))
            {
                foreach (var existing in zip.Entries.Where(e => PluginPackageLayout.NormalizeEntryName(e.FullName) == PluginPackageLayout.SignatureEntry).ToList())
                {
                    existing.Delete();
                }

                var entry = zip.CreateEntry(PluginPackageLayout.SignatureEntry, CompressionLevel.Optimal);
                using var stream = entry.Open();
                stream.Write(signature);
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }

        return key.KeyId;
    }
}
