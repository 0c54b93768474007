using PluginAI.Hardware;

namespace PluginAI.Host.Hardware.Internal;

/// <summary>Finds NPUs and other accelerators that the kernel's <c>accel</c> subsystem lists, by their driver.</summary>
internal sealed class NpuProbe
{
    private readonly ProbeFileSystem _files;

    /// <summary>Initializes a new instance of the <see cref="NpuProbe"/> class.</summary>
    /// <param name="files">The tree to read.</param>
    public NpuProbe(ProbeFileSystem files) => _files = files;

    /// <summary>Adds an accelerator for each node of <c>/sys/class/accel</c>.</summary>
    /// <param name="accelerators">Receives the NPUs found.</param>
    public void ProbeLinux(List<AcceleratorInfo> accelerators)
    {
        var accel = _files.Resolve("sys/class/accel");
        if (!Directory.Exists(accel))
        {
            return;
        }

        foreach (var node in Directory.EnumerateDirectories(accel, "accel*").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(node);
            var driver = ProbeFileSystem.ResolveLinkName(Path.Combine(node, "device", "driver"));
            var (vendor, product, api) = driver switch
            {
                "intel_vpu" => ("intel", "Intel NPU", "openvino"),
                "amdxdna" => ("amd", "AMD XDNA NPU", null),
                "qaic" => ("qualcomm", "Qualcomm Cloud AI", "qnn"),
                "habanalabs" => ("intel", "Intel Gaudi", null),
                _ => ("unknown", $"NPU ({driver ?? "unknown driver"})", (string?)null),
            };
            var vendorId = ProbeFileSystem.ReadFullPath(Path.Combine(node, "device", "vendor"))?.Trim().ToLowerInvariant();
            var deviceId = ProbeFileSystem.ReadFullPath(Path.Combine(node, "device", "device"))?.Trim().ToLowerInvariant();
            accelerators.Add(new AcceleratorInfo
            {
                Type = AcceleratorType.Npu,
                Vendor = vendor,
                Name = product,
                Driver = driver,
                PciId = vendorId?.Length > 2 && deviceId?.Length > 2 ? $"{vendorId[2..]}:{deviceId[2..]}" : null,
                Apis = api is null ? [] : [new AcceleratorApiSupport(api)],
                Source = File.Exists(_files.Resolve($"dev/accel/{name}")) ? $"/dev/accel/{name}" : $"/sys/class/accel/{name}",
            });
        }
    }
}
