using PluginAI.Hardware;
using PluginAI.Licensing;
using PluginAI.Manifest;

namespace PluginAI;

/// <summary>What the host tells a plugin about itself and the machine it runs on.</summary>
public sealed class PluginContext
{
    /// <summary>Initializes a new instance of the <see cref="PluginContext"/> class.</summary>
    /// <param name="manifest">The validated manifest of the plugin.</param>
    /// <param name="pluginDirectory">The folder the plugin was loaded from.</param>
    /// <param name="dataDirectory">A folder the plugin may write to; it survives updates of the plugin.</param>
    /// <param name="hardware">The hardware profile of this machine.</param>
    /// <param name="variant">The variant the host selected, or <see langword="null"/> for the plugin's base build.</param>
    public PluginContext(PluginManifest manifest, string pluginDirectory, string dataDirectory, HardwareProfile hardware, string? variant = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentException.ThrowIfNullOrEmpty(pluginDirectory);
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        ArgumentNullException.ThrowIfNull(hardware);
        Manifest = manifest;
        PluginDirectory = pluginDirectory;
        DataDirectory = dataDirectory;
        Hardware = hardware;
        Variant = variant;
    }

    /// <summary>Gets the validated manifest of the plugin.</summary>
    public PluginManifest Manifest { get; }

    /// <summary>Gets the folder the plugin was loaded from. Treat it as read-only.</summary>
    public string PluginDirectory { get; }

    /// <summary>Gets a folder the plugin may write to (caches, indexes); created on first use by the host.</summary>
    public string DataDirectory { get; }

    /// <summary>Gets the hardware profile of this machine, as the host probed it.</summary>
    public HardwareProfile Hardware { get; }

    /// <summary>Gets the name of the variant the host selected, or <see langword="null"/> for the base build.</summary>
    public string? Variant { get; }

    /// <summary>
    /// Gets the plugin's license state as the host evaluated it before loading; <see cref="PluginLicense.Free"/> unless
    /// the host set it. The same object is registered in the plugin's service container.
    /// </summary>
    public PluginLicense License { get; init; } = PluginLicense.Free;

    /// <summary>Gets the version of the plugin API the host implements.</summary>
    public SemanticVersion HostApiVersion => PluginApi.Version;
}
