using PluginAI.Hardware;
using PluginAI.Manifest.Compatibility;
using PluginAI.Trust;

namespace PluginAI.Registry;

/// <summary>Extracts the build of a plugin package that fits this machine into a scratch folder, to load it once (as certification does) without installing it.</summary>
public static class PluginPackageStager
{
    /// <summary>
    /// Makes a plugin folder to load once: a folder is used as it is; a package is verified against the trust policy and the
    /// build that fits this machine is extracted under <paramref name="scratchDirectory"/>.
    /// </summary>
    /// <param name="input">The backend's <c>.nupkg</c>, or a plugin folder.</param>
    /// <param name="scratchDirectory">A folder the caller deletes afterwards.</param>
    /// <param name="policy">The trust policy the package is verified against.</param>
    /// <param name="hardware">This machine.</param>
    /// <param name="allowUnsigned">Whether an unsigned or untrusted package is let through.</param>
    /// <param name="cancellationToken">Stops the extraction.</param>
    /// <returns>The plugin folder.</returns>
    /// <exception cref="RegistryException">The folder or package does not exist, or no build fits this machine.</exception>
    public static string Stage(FileSystemInfo input, string scratchDirectory, TrustPolicy policy, HardwareProfile hardware, bool allowUnsigned, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(hardware);
        if (input is DirectoryInfo directory)
        {
            return directory.Exists ? directory.FullName : throw new RegistryException($"{directory.FullName}: folder not found.");
        }

        if (!input.Exists)
        {
            throw new RegistryException($"{input.FullName}: package not found.");
        }

        using var reader = PluginPackageReader.Open(input.FullName);
        reader.Verify(policy, allowUnsigned, hashFiles: false, cancellationToken).EnsureAccepted();
        var fit = CompatibilityChecker.Check(reader.Manifest, hardware).Decisions.FirstOrDefault(d => d.Fits)
            ?? throw new RegistryException($"{reader.Manifest.Id} {reader.Manifest.Version} has no build that fits this machine.");
        var variant = reader.Manifest.Variants.FirstOrDefault(v => v.Name == fit.Build)?.Name;
        var target = Path.Combine(scratchDirectory, "plugins", reader.Manifest.Id);
        SafePackageExtractor.Extract(reader, target, variant, cancellationToken);
        return target;
    }
}
