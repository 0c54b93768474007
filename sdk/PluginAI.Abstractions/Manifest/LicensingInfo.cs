namespace PluginAI.Manifest;

/// <summary>How a plugin is licensed to its users.</summary>
public sealed record LicensingInfo
{
    /// <summary>Gets the licensing of a free plugin.</summary>
    public static LicensingInfo Free { get; } = new();

    /// <summary>Gets the licensing model.</summary>
    public LicensingModel Model { get; init; } = LicensingModel.Free;

    /// <summary>Gets the vendor's product code that license files must name; required for trial and paid plugins.</summary>
    public string? ProductCode { get; init; }

    /// <summary>Gets the length of the trial in days, for <see cref="LicensingModel.Trial"/>.</summary>
    public int? TrialDays { get; init; }

    /// <summary>Gets the id of the vendor key that signs licenses, or <see langword="null"/>.</summary>
    public string? VendorKeyId { get; init; }
}
