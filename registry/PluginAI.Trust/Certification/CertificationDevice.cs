using PluginAI.Manifest;

namespace PluginAI.Trust.Certification;

/// <summary>A device family a certification record covers: a vendor, optionally some PCI ids and a range of driver versions.</summary>
public sealed record CertificationDevice
{
    /// <summary>The vendor that stands for the CPU in a record of a backend certified without an accelerator.</summary>
    public const string CpuVendor = "cpu";

    /// <summary>Gets the vendor in lower case as the hardware probe names it, such as <c>nvidia</c>, <c>amd</c>, <c>intel</c>, or <see cref="CpuVendor"/>.</summary>
    public required string Vendor { get; init; }

    /// <summary>Gets PCI ids as <c>vendor:device</c> in lower-case hex, such as <c>10de:2335</c>; empty means every device of the vendor.</summary>
    public IReadOnlyList<string> PciIds { get; init; } = [];

    /// <summary>Gets the driver versions covered, or <see langword="null"/> for any driver.</summary>
    public VersionRange? Drivers { get; init; }

    /// <summary>Gets a display name for the devices, such as <c>NVIDIA Hopper</c>, or <see langword="null"/>.</summary>
    public string? Name { get; init; }

    /// <summary>Converts a device of a manifest-embedded record.</summary>
    /// <param name="device">The manifest's device entry.</param>
    /// <returns>The device; PCI ids are kept as written and normalised when the record is checked.</returns>
    public static CertificationDevice FromManifest(CertifiedDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return new CertificationDevice { Vendor = device.Vendor, PciIds = device.PciIds, Drivers = device.Drivers };
    }

    /// <summary>Converts to a device entry of a manifest-embedded record (which has no <see cref="Name"/>).</summary>
    /// <returns>The manifest's device entry.</returns>
    public CertifiedDevice ToManifest() => new() { Vendor = Vendor, PciIds = PciIds, Drivers = Drivers };
}
