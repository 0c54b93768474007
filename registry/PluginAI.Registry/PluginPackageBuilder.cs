using System.Text;
using NuGet.Packaging;
using NuGet.Packaging.Licenses;
using NuGet.Versioning;
using PluginAI.Manifest;
using PluginAI.Trust;
using PluginAI.Trust.Content;

namespace PluginAI.Registry;

/// <summary>
/// Packs a built plugin folder (holding <c>pluginai.json</c>) into a plugin package in the layout of docs/registry.md:
/// the nuspec from the manifest, <c>plugin/**</c> with every file of the folder, <c>pluginai.json</c> at the root with
/// the <c>files</c> list filled in, and optionally <c>pluginai.sig</c>.
/// </summary>
public static class PluginPackageBuilder
{
    /// <summary>Packs a plugin folder into a registry-ready package, optionally recording contributor statistics in the packed manifest.</summary>
    /// <param name="pluginDirectory">The built plugin folder; every file in it is packed except its own <c>pluginai.json</c> and <c>pluginai.sig</c>.</param>
    /// <param name="outputPath">The <c>.nupkg</c> to write, or a folder to write <c>&lt;id&gt;.&lt;version&gt;.nupkg</c> into.</param>
    /// <param name="signingKey">The publisher key to sign the manifest with, or <see langword="null"/> for an unsigned package.</param>
    /// <param name="contributors">
    /// The contributor statistics to record in the packed manifest's <c>contributors</c> section, replacing any the folder's
    /// manifest holds; <see langword="null"/> keeps the folder's. The folder itself is not changed.
    /// </param>
    /// <param name="cancellationToken">A token to cancel packing.</param>
    /// <returns>The package written.</returns>
    /// <exception cref="RegistryException">The folder has no valid manifest, or the manifest cannot be expressed as a nuspec.</exception>
    public static async Task<PluginPackageBuildResult> BuildAsync(string pluginDirectory, string outputPath, SigningKey? signingKey = null, ContributorsSection? contributors = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(pluginDirectory);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        var root = Path.GetFullPath(pluginDirectory);
        var manifestPath = Path.Combine(root, PluginManifest.FileName);
        var read = await ManifestReader.ReadFileAsync(manifestPath, cancellationToken).ConfigureAwait(false);
        if (!read.IsValid)
        {
            throw new RegistryException($"Cannot pack {root}: {string.Join("; ", read.Errors)}");
        }

        var files = new List<(string Relative, string FullPath)>();
        foreach (var file in Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var relative = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
            if (relative is PluginManifest.FileName or PluginPackageLayout.SignatureEntry)
            {
                continue;
            }

            if (PluginPackageLayout.FindPathProblem(relative) is { } problem)
            {
                throw new RegistryException($"Cannot pack {file}: its path '{relative}' cannot go into a package: {problem}");
            }

            files.Add((relative, file));
        }

        files.Sort((a, b) => string.CompareOrdinal(a.Relative, b.Relative));
        var hashes = new List<PackageFileHash>(files.Count);
        foreach (var (relative, full) in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await using var stream = File.OpenRead(full);
            hashes.Add(PluginContentVerifier.ComputeFileHash(relative, stream, cancellationToken));
        }

        var manifest = read.Manifest with { Files = hashes, Contributors = contributors ?? read.Manifest.Contributors };
        var manifestBytes = Encoding.UTF8.GetBytes(ManifestWriter.ToJson(manifest));
        var signature = signingKey is null ? null : ManifestSigner.Sign(manifestBytes, signingKey);
        var builder = CreateBuilder(manifest, manifestPath);
        foreach (var (relative, full) in files)
        {
            builder.Files.Add(new PhysicalPackageFile { SourcePath = full, TargetPath = PluginPackageLayout.PluginFolder + relative });
        }

        builder.Files.Add(new PhysicalPackageFile(new MemoryStream(manifestBytes, writable: false)) { TargetPath = PluginPackageLayout.ManifestEntry });
        if (signature is not null)
        {
            builder.Files.Add(new PhysicalPackageFile(new MemoryStream(signature, writable: false)) { TargetPath = PluginPackageLayout.SignatureEntry });
        }

        var output = Path.GetFullPath(outputPath);
        if (Directory.Exists(output) || Path.EndsInDirectorySeparator(outputPath))
        {
            output = Path.Combine(output, FileName(manifest));
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
            throw new RegistryException($"Cannot pack {root} as {output}: {ex.Message}", ex);
        }
        finally
        {
            File.Delete(temp);
        }

        return new PluginPackageBuildResult(output, manifest, manifestBytes, signingKey?.KeyId);
    }

    /// <summary>Returns the file name NuGet gives a package: <c>&lt;id&gt;.&lt;normalised version&gt;.nupkg</c>.</summary>
    /// <param name="manifest">The manifest.</param>
    /// <returns>The file name.</returns>
    public static string FileName(PluginManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return $"{manifest.Id}.{NuGetVersion.Parse(manifest.Version.ToString()).ToNormalizedString()}{PluginPackageLayout.Extension}";
    }

    /// <summary>Returns the nuspec tags of a plugin: <c>pluginai pluginai-plugin pluginai-&lt;kind&gt;…</c>.</summary>
    /// <param name="manifest">The manifest.</param>
    /// <returns>The tags.</returns>
    public static IReadOnlyList<string> Tags(PluginManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return ["pluginai", PluginPackageLayout.PluginTag, .. manifest.Kinds.Select(k => "pluginai-" + k.ToString().ToLowerInvariant())];
    }

    private static PackageBuilder CreateBuilder(PluginManifest manifest, string manifestPath)
    {
        var builder = new PackageBuilder(deterministic: true)
        {
            Id = manifest.Id,
            Version = NuGetVersion.Parse(manifest.Version.ToString()),
            Description = manifest.Description ?? manifest.DisplayName ?? manifest.Id,
            Title = manifest.DisplayName,
        };
        foreach (var author in manifest.Authors.Count > 0 ? manifest.Authors : [manifest.Id])
        {
            builder.Authors.Add(author);
        }

        foreach (var tag in Tags(manifest))
        {
            builder.Tags.Add(tag);
        }

        if (manifest.License is { } license)
        {
            try
            {
                builder.LicenseMetadata = new LicenseMetadata(LicenseType.Expression, license, NuGetLicenseExpression.Parse(license), warningsAndErrors: null, LicenseMetadata.CurrentVersion);
            }
            catch (NuGetLicenseExpressionParsingException ex)
            {
                throw new RegistryException($"{manifestPath}: field 'license': '{license}' is not an SPDX licence expression NuGet accepts ({ex.Message}); expected one such as MIT or Apache-2.0", ex);
            }
        }

        return builder;
    }
}
