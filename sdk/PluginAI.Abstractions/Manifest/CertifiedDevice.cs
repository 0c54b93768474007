namespace PluginAI.Manifest;

/// <summary>A device family a certification record covers.</summary>
public sealed record CertifiedDevice
{
    /// <summary>Gets the vendor in lower case, such as <c>nvidia</c>.</summary>
    public required string Vendor { get; init; }

    /// <summary>Gets PCI ids as <c>vendor:device</c> in hex; empty means every device of the vendor.</summary>
    public IReadOnlyList<string> PciIds { get; init; } = [];

    /// <summary>Gets the driver versions covered, or <see langword="null"/> for any.</summary>
    public VersionRange? Drivers { get; init; }
}
