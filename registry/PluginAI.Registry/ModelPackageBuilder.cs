using NuGet.Packaging;
using NuGet.Versioning;
using PluginAI.Trust;
using PluginAI.Manifest;
using PluginAI.Trust.Content;

namespace PluginAI.Registry;

/// <summary>
/// Packs a GGUF model file into a model package: the nuspec (tags <c>pluginai pluginai-model</c>),
/// <c>pluginai-model.json</c> with the file's SHA-256 and size, the file under <c>model/</c>, and, given a key,
/// <c>pluginai.sig</c> over the manifest, as a plugin package is signed.
/// </summary>
public static class ModelPackageBuilder
{
    /// <summary>Packs a model file.</summary>
    /// <param name="modelPath">The <c>.gguf</c> file.</param>
    /// <param name="id">The package id, a NuGet package id such as <c>Acme.TinyStories</c>.</param>
    /// <param name="version">The package version, such as <c>1.0.0</c>.</param>
    /// <param name="outputPath">A <c>.nupkg</c> path, or a folder to write <c>&lt;id&gt;.&lt;version&gt;.nupkg</c> into.</param>
    /// <param name="signingKey">The publisher key to sign with, or <see langword="null"/> for an unsigned package.</param>
    /// <param name="description">The description, or <see langword="null"/>.</param>
    /// <param name="license">The licence of the weights, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">A token to cancel hashing.</param>
    /// <returns>The package file and its manifest.</returns>
    /// <exception cref="RegistryException">The id, version or file name is not valid, or the file is not a GGUF file.</exception>
    public static async Task<(string Path, ModelPackageManifest Manifest)> BuildAsync(string modelPath, string id, string version, string outputPath, SigningKey? signingKey = null, string? description = null, string? license = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(version);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        var full = Path.GetFullPath(modelPath);
        if (!File.Exists(full))
        {
            throw new RegistryException($"{full}: the model file does not exist");
        }

        if (!PackageIdValidator.IsValidPackageId(id))
        {
            throw new RegistryException($"'{id}' is not a package id; expected letters, digits and '_', separated by '.' or '-' (such as Acme.TinyStories)");
        }

        if (!NuGetVersion.TryParse(version, out var parsed))
        {
            throw new RegistryException($"'{version}' is not a package version; expected a semantic version such as 1.0.0");
        }

        var fileName = Path.GetFileName(full);
        await using (var probe = File.OpenRead(full))
        {
            var magic = new byte[4];
            if (await probe.ReadAtLeastAsync(magic, 4, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) < 4 || !magic.AsSpan().SequenceEqual("GGUF"u8))
            {
                throw new RegistryException($"{full}: not a GGUF file (it does not start with 'GGUF'); a model package carries one GGUF model");
            }
        }

        PackageFileHash hash;
        await using (var stream = File.OpenRead(full))
        {
            hash = PluginContentVerifier.ComputeFileHash(fileName, stream, cancellationToken);
        }

        var manifest = new ModelPackageManifest
        {
            Id = id,
            Version = parsed.ToNormalizedString(),
            Description = description,
            License = license,
            File = fileName,
            Files = [hash],
        };

        // Parsing what is about to be packed applies the reader's rules (a plain .gguf file name) at pack time.
        var manifestBytes = manifest.ToUtf8Bytes();
        manifest = ModelPackageManifest.Parse(manifestBytes, fileName);
        var signature = signingKey is null ? null : ManifestSigner.Sign(manifestBytes, signingKey);
        var builder = new PackageBuilder(deterministic: true)
        {
            Id = id,
            Version = parsed,
            Description = description ?? $"The GGUF model {fileName}, packed for PluginAI.",
        };
        builder.Authors.Add(id);
        builder.Tags.Add("pluginai");
        builder.Tags.Add(PluginPackageLayout.ModelTag);
        builder.Files.Add(new PhysicalPackageFile { SourcePath = full, TargetPath = PluginPackageLayout.ModelFolder + fileName });
        builder.Files.Add(new PhysicalPackageFile(new MemoryStream(manifestBytes, writable: false)) { TargetPath = PluginPackageLayout.ModelManifestEntry });
        if (signature is not null)
        {
            builder.Files.Add(new PhysicalPackageFile(new MemoryStream(signature, writable: false)) { TargetPath = PluginPackageLayout.SignatureEntry });
        }

        var output = Path.GetFullPath(outputPath);
        if (Directory.Exists(output) || Path.EndsInDirectorySeparator(outputPath))
        {
            output = Path.Combine(output, $"{id}.{manifest.Version}{PluginPackageLayout.Extension}");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        var temp = output + $".{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                builder.Save(stream);
            }

            File.Move(temp, output, overwrite: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            throw new RegistryException($"Cannot pack {full} as {output}: {ex.Message}", ex);
        }
        finally
        {
            File.Delete(temp);
        }

        return (output, manifest);
    }
}
