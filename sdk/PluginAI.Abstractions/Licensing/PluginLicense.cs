using PluginAI.Manifest;

namespace PluginAI.Licensing;

/// <summary>What the host found about a plugin's license; given to the plugin in <see cref="PluginContext.License"/> and its service container.</summary>
public sealed record PluginLicense
{
    /// <summary>Gets the state of a free plugin.</summary>
    public static PluginLicense Free { get; } = new() { Model = LicensingModel.Free, Status = PluginLicenseStatus.Free, Reason = "free plugin; no licence needed" };

    /// <summary>Gets the plugin's licensing model.</summary>
    public required LicensingModel Model { get; init; }

    /// <summary>Gets the license state.</summary>
    public required PluginLicenseStatus Status { get; init; }

    /// <summary>Gets a one-line explanation that names the license file when there is one.</summary>
    public required string Reason { get; init; }

    /// <summary>Gets the license id, or <see langword="null"/> when no license file applies.</summary>
    public string? LicenseId { get; init; }

    /// <summary>Gets whom the license was issued to, or <see langword="null"/>.</summary>
    public string? Licensee { get; init; }

    /// <summary>Gets the product code the license names, or <see langword="null"/>.</summary>
    public string? Product { get; init; }

    /// <summary>Gets the features the license grants.</summary>
    public IReadOnlyList<string> Features { get; init; } = [];

    /// <summary>Gets when the license expires, or <see langword="null"/> for a perpetual license or none.</summary>
    public DateTimeOffset? Expires { get; init; }

    /// <summary>Gets when the trial ends, for <see cref="PluginLicenseStatus.Trial"/> and <see cref="PluginLicenseStatus.TrialExpired"/>.</summary>
    public DateTimeOffset? TrialEndsAt { get; init; }

    /// <summary>Gets a value indicating whether the plugin may run: free, licensed or in its trial.</summary>
    public bool IsUsable => Status is PluginLicenseStatus.Free or PluginLicenseStatus.Licensed or PluginLicenseStatus.Trial;

    /// <summary>Gets whether a feature is unlocked.</summary>
    /// <param name="feature">The feature name, compared without regard to case.</param>
    /// <returns>
    /// For a license (full or trial), whether it lists the feature; during a trial without a license file, <see langword="true"/>
    /// (the whole product can be tried); otherwise <see langword="false"/>.
    /// </returns>
    public bool HasFeature(string feature)
    {
        ArgumentNullException.ThrowIfNull(feature);
        return Status switch
        {
            PluginLicenseStatus.Licensed => Features.Contains(feature, StringComparer.OrdinalIgnoreCase),
            PluginLicenseStatus.Trial => LicenseId is null || Features.Contains(feature, StringComparer.OrdinalIgnoreCase),
            _ => false,
        };
    }
}
