namespace PluginAI.Hardware;

/// <summary>A GPU or NPU found on the machine.</summary>
public sealed record AcceleratorInfo
{
    /// <summary>Gets whether this is a GPU or an NPU.</summary>
    public required AcceleratorType Type { get; init; }

    /// <summary>Gets the vendor in lower case: <c>nvidia</c>, <c>amd</c>, <c>intel</c>, <c>apple</c>, <c>qualcomm</c> or <c>unknown</c>.</summary>
    public required string Vendor { get; init; }

    /// <summary>Gets the product name, as the driver reports it.</summary>
    public string Name { get; init; } = "unknown";

    /// <summary>Gets the dedicated memory in bytes, or 0 when unknown or shared with the CPU.</summary>
    public long MemoryBytes { get; init; }

    /// <summary>Gets the driver name and version, such as <c>nvidia 580.159.04</c>, when known.</summary>
    public string? Driver { get; init; }

    /// <summary>Gets the PCI vendor and device id as <c>10de:2330</c>, when known.</summary>
    public string? PciId { get; init; }

    /// <summary>Gets the compute APIs usable on this device with their versions, such as <c>cuda 13.0</c> or <c>vulkan</c>.</summary>
    public IReadOnlyList<AcceleratorApiSupport> Apis { get; init; } = [];

    /// <summary>Gets where the probe found the device, such as <c>nvidia-smi</c> or <c>/sys/class/drm/card0</c>.</summary>
    public string Source { get; init; } = string.Empty;

    /// <summary>Returns the support entry for an API (case-insensitive), or <see langword="null"/>.</summary>
    /// <param name="api">The API name, such as <c>cuda</c>.</param>
    /// <returns>The entry, or <see langword="null"/> when the device does not offer the API.</returns>
    public AcceleratorApiSupport? FindApi(string api) =>
        Apis.FirstOrDefault(a => string.Equals(a.Api, api, StringComparison.OrdinalIgnoreCase));
}
