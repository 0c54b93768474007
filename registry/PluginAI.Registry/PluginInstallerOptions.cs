using PluginAI.Trust;

namespace PluginAI.Registry;

/// <summary>How <see cref="PluginInstaller"/> checks and extracts packages.</summary>
public sealed record PluginInstallerOptions
{
    /// <summary>Gets a value indicating whether unsigned or untrusted packages are installed (<c>--allow-unsigned</c>); the trust policy's own setting counts too.</summary>
    public bool AllowUnsigned { get; init; }

    /// <summary>Gets the extraction limits.</summary>
    public ExtractionLimits Limits { get; init; } = ExtractionLimits.Default;

    /// <summary>Gets the limits a model package must stay within (<see cref="ExtractionLimits.Models"/> by default).</summary>
    public ExtractionLimits ModelLimits { get; init; } = ExtractionLimits.Models;

    /// <summary>Gets the trust policy; <see langword="null"/> loads <c>&lt;home&gt;/trust.json</c>.</summary>
    public TrustPolicy? TrustPolicy { get; init; }

    /// <summary>Gets the host's plugin API version; <see langword="null"/> for <see cref="PluginApi.Version"/>.</summary>
    public Manifest.SemanticVersion? HostApiVersion { get; init; }

    /// <summary>
    /// Gets a value indicating whether installs and updates from a source are refused unless the source publishes a
    /// signed index (<c>--require-signed-index</c>): local folder feeds and feeds without <c>/pluginai/v1/index.json</c>
    /// are then refused. A package file installed by path is not from a source and is not affected.
    /// </summary>
    public bool RequireSignedIndex { get; init; }

    /// <summary>Gets the clock for receipts, index freshness and certification expiry.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
