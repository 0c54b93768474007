using NuGet.Versioning;
using PluginAI.Registry;

namespace PluginAI.Registry.Server;

/// <summary>
/// The built-in push check, always run first: the file is a zip with a nuspec at its root, <c>pluginai.json</c> is at
/// its root and <see cref="Manifest.ManifestReader"/> accepts it, and the manifest's id and version are the nuspec's.
/// </summary>
/// <remarks>File hashes and signatures are not checked here; add an <see cref="IPushValidator"/> for them.</remarks>
internal sealed class ManifestPushValidator : IPushValidator
{
    /// <summary>Gets the shared instance.</summary>
    public static ManifestPushValidator Instance { get; } = new();

    /// <inheritdoc />
    public ValueTask<PushValidationResult> ValidateAsync(PushedPackage package, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(package);
        return ValueTask.FromResult(Validate(package));
    }

    private static PushValidationResult Validate(PushedPackage package)
    {
        if (package.Problem is not null)
        {
            return PushValidationResult.Refuse(package.Problem);
        }

        if (package.IsModelPackage)
        {
            return ValidateModel(package);
        }

        if (package.ManifestResult is not { } result)
        {
            return PushValidationResult.Refuse($"the package has no {Manifest.PluginManifest.FileName} and no {ModelPackageManifest.FileName} at its root; a PluginAI plugin package needs {Manifest.PluginManifest.FileName} there, a model package {ModelPackageManifest.FileName}");
        }

        if (!result.IsValid)
        {
            return PushValidationResult.Refuse($"the manifest is not valid: {string.Join("; ", result.Errors)}");
        }

        var manifest = result.Manifest;
        if (!string.Equals(manifest.Id, package.Id, StringComparison.OrdinalIgnoreCase))
        {
            return PushValidationResult.Refuse($"{Manifest.PluginManifest.FileName}: field 'id': the manifest id '{manifest.Id}' differs from the nuspec id '{package.Id}'; expected the same id in both");
        }

        if (!NuGetVersion.TryParse(manifest.Version.ToString(), out var manifestVersion) || !VersionComparer.Default.Equals(manifestVersion, package.Version))
        {
            return PushValidationResult.Refuse($"{Manifest.PluginManifest.FileName}: field 'version': the manifest version '{manifest.Version}' differs from the nuspec version '{package.Version?.ToNormalizedString()}'; expected the same version in both");
        }

        return PushValidationResult.Success;
    }

    private static PushValidationResult ValidateModel(PushedPackage package)
    {
        if (package.ModelManifest is not { } manifest)
        {
            return PushValidationResult.Refuse($"the model manifest is not valid: {package.ModelManifestProblem}");
        }

        if (!string.Equals(manifest.Id, package.Id, StringComparison.OrdinalIgnoreCase))
        {
            return PushValidationResult.Refuse($"{ModelPackageManifest.FileName}: field 'id': the manifest id '{manifest.Id}' differs from the nuspec id '{package.Id}'; expected the same id in both");
        }

        if (!NuGetVersion.TryParse(manifest.Version, out var manifestVersion) || !VersionComparer.Default.Equals(manifestVersion, package.Version))
        {
            return PushValidationResult.Refuse($"{ModelPackageManifest.FileName}: field 'version': the manifest version '{manifest.Version}' differs from the nuspec version '{package.Version?.ToNormalizedString()}'; expected the same version in both");
        }

        return PushValidationResult.Success;
    }
}
