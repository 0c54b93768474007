using PluginAI.Host;

namespace PluginAI.Cli.Commands;

/// <summary>The JSON shape of one discovered plugin.</summary>
internal sealed record PluginView(
    string Id,
    string? Version,
    IReadOnlyList<string> Kinds,
    string Status,
    bool Compatible,
    string? Reason,
    string? Variant,
    string? Trust,
    string? Publisher,
    IReadOnlyList<PluginCertificationView> Certifications,
    PluginLicenseView? License,
    string Source,
    string Directory,
    string? Overrides,
    int FaultCount,
    string? LastFault,
    IReadOnlyList<string> Details)
{
    public static PluginView From(PluginRecord record) => new(
        record.Id,
        record.Manifest?.Version.ToString(),
        record.Manifest?.Kinds.Select(k => k.ToString().ToLowerInvariant()).ToList() ?? [],
        record.Status.ToString().ToLowerInvariant(),
        record.Compatibility?.IsCompatible ?? false,
        record.Reason,
        record.Variant,
        record.Trust,
        record.Publisher,
        [.. record.Certifications.Select(c => new PluginCertificationView(c.Device, c.Certified, c.Certifier, c.Expires, c.SuiteVersion, c.Reason))],
        record.License.Model == PluginAI.Manifest.LicensingModel.Free ? null : new PluginLicenseView(record.License.Status, record.License.Licensee, record.License.Product, record.License.Expires, record.License.TrialEndsAt, record.License.Reason),
        record.Source,
        record.Directory,
        record.Overrides,
        record.FaultCount,
        record.LastFault,
        record.Details);
}

/// <summary>The JSON shape of a backend's certification on one device.</summary>
internal sealed record PluginCertificationView(string Device, bool Certified, string? Certifier, DateTimeOffset? Expires, string? SuiteVersion, string Reason);

/// <summary>The JSON shape of a paid or trial plugin's license state.</summary>
internal sealed record PluginLicenseView(PluginAI.Licensing.PluginLicenseStatus Status, string? Licensee, string? Product, DateTimeOffset? Expires, DateTimeOffset? TrialEndsAt, string Reason);
