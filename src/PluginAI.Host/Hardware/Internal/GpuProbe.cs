using System.Globalization;
using PluginAI.Hardware;

namespace PluginAI.Host.Hardware.Internal;

/// <summary>Finds GPUs: NVIDIA ones through the driver's <c>/proc</c> files and <c>nvidia-smi</c>, the others through <c>/sys/class/drm</c>; and whether a Vulkan loader is installed.</summary>
internal sealed class GpuProbe
{
    private static readonly string[] s_libraryFolders =
    [
        "usr/lib/x86_64-linux-gnu", "usr/lib/aarch64-linux-gnu", "usr/lib64", "usr/lib", "lib/x86_64-linux-gnu", "lib/aarch64-linux-gnu", "lib64", "lib",
    ];

    private readonly ProbeFileSystem _files;
    private readonly HardwareProbeOptions _options;

    /// <summary>Initializes a new instance of the <see cref="GpuProbe"/> class.</summary>
    /// <param name="files">The tree to read.</param>
    /// <param name="options">The replacements for <c>nvidia-smi</c> and the CUDA driver, if any.</param>
    public GpuProbe(ProbeFileSystem files, HardwareProbeOptions options)
    {
        _files = files;
        _options = options;
    }

    /// <summary>Returns whether the Vulkan loader library is installed.</summary>
    /// <param name="linuxTree">Whether to look in the Linux library folders of the tree.</param>
    public bool HasVulkanLoader(bool linuxTree)
    {
        if (linuxTree)
        {
            return s_libraryFolders.Any(folder => File.Exists(_files.Resolve(Path.Combine(folder, "libvulkan.so.1"))));
        }

        if (OperatingSystem.IsWindows())
        {
            return File.Exists(Path.Combine(Environment.SystemDirectory, "vulkan-1.dll"));
        }

        return false;
    }

    /// <summary>Adds the GPUs of a Linux tree, each once even when both the NVIDIA driver and DRM list it.</summary>
    /// <param name="accelerators">Receives the GPUs.</param>
    /// <param name="vulkan">Whether the Vulkan loader is installed, so every GPU supports Vulkan.</param>
    /// <param name="notes">Receives what could not be found out.</param>
    /// <param name="cancellationToken">Cancels waiting for <c>nvidia-smi</c>.</param>
    public void ProbeLinux(List<AcceleratorInfo> accelerators, bool vulkan, List<string> notes, CancellationToken cancellationToken)
    {
        var seenBuses = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        ProbeNvidiaDriver(accelerators, seenBuses, vulkan, notes, cancellationToken);
        ProbeDrm(accelerators, seenBuses, vulkan);
    }

    /// <summary>Finds the driver version in <c>/proc/driver/nvidia/version</c>.</summary>
    public static string? ParseNvidiaDriverVersion(string versionFile)
    {
        // "NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.159.04  Tue ..."
        foreach (var token in versionFile.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (token.Count(c => c == '.') >= 1 && char.IsAsciiDigit(token[0]) && token.All(c => char.IsAsciiDigit(c) || c == '.'))
            {
                return token;
            }
        }

        return null;
    }

    /// <summary>Makes bus addresses comparable: nvidia-smi writes <c>00000000:01:00.0</c>, sysfs <c>0000:01:00.0</c>.</summary>
    public static string NormalizeBus(string bus)
    {
        var parts = bus.Split(':');
        return parts.Length == 3 ? $"{parts[^2]}:{parts[^1]}".ToLowerInvariant() : bus.ToLowerInvariant();
    }

    private void ProbeNvidiaDriver(List<AcceleratorInfo> accelerators, HashSet<string> seenBuses, bool vulkan, List<string> notes, CancellationToken cancellationToken)
    {
        var nvidiaVersion = _files.ReadText("proc/driver/nvidia/version");
        if (nvidiaVersion is null)
        {
            return;
        }

        var driver = ParseNvidiaDriverVersion(nvidiaVersion);
        var cuda = _options.CudaDriverVersion?.Invoke() ?? (_files.IsRealRoot ? CudaDriver.TryGetVersion() : null);
        var apis = new List<AcceleratorApiSupport> { new("cuda", cuda) };
        if (vulkan)
        {
            apis.Add(new AcceleratorApiSupport("vulkan"));
        }

        var smi = NvidiaSmi.Query(_options.NvidiaSmi, notes, cancellationToken);
        if (smi.Count > 0)
        {
            foreach (var gpu in smi)
            {
                seenBuses.Add(NormalizeBus(gpu.Bus));
                accelerators.Add(new AcceleratorInfo
                {
                    Type = AcceleratorType.Gpu,
                    Vendor = "nvidia",
                    Name = gpu.Name,
                    MemoryBytes = gpu.MemoryMib * 1024 * 1024,
                    Driver = $"nvidia {gpu.Driver ?? driver}",
                    PciId = gpu.PciId,
                    Apis = apis,
                    Source = "nvidia-smi",
                });
            }

            return;
        }

        var gpusFolder = _files.Resolve("proc/driver/nvidia/gpus");
        if (!Directory.Exists(gpusFolder))
        {
            return;
        }

        foreach (var folder in Directory.EnumerateDirectories(gpusFolder).Order(StringComparer.Ordinal))
        {
            var info = ProbeFileSystem.ReadFullPath(Path.Combine(folder, "information")) ?? string.Empty;
            seenBuses.Add(NormalizeBus(Path.GetFileName(folder)));
            accelerators.Add(new AcceleratorInfo
            {
                Type = AcceleratorType.Gpu,
                Vendor = "nvidia",
                Name = Field(info, "Model") ?? "NVIDIA GPU",
                Driver = driver is null ? null : $"nvidia {driver}",
                Apis = apis,
                Source = "/proc/driver/nvidia/gpus",
            });
        }

        notes.Add("nvidia-smi gave no answer; NVIDIA GPU memory is unknown.");
    }

    private void ProbeDrm(List<AcceleratorInfo> accelerators, HashSet<string> seenBuses, bool vulkan)
    {
        var drm = _files.Resolve("sys/class/drm");
        if (!Directory.Exists(drm))
        {
            return;
        }

        foreach (var card in Directory.EnumerateDirectories(drm, "card*").Order(StringComparer.Ordinal))
        {
            // card0 is a GPU; card0-DP-1 and the like are its connectors.
            var name = Path.GetFileName(card);
            if (name.Length == 4 || name.AsSpan(4).ContainsAnyExceptInRange('0', '9'))
            {
                continue;
            }

            var device = Path.Combine(card, "device");
            var vendorId = ProbeFileSystem.ReadFullPath(Path.Combine(device, "vendor"))?.Trim().ToLowerInvariant();
            var deviceId = ProbeFileSystem.ReadFullPath(Path.Combine(device, "device"))?.Trim().ToLowerInvariant();
            var vendor = vendorId switch
            {
                "0x10de" => "nvidia",
                "0x1002" => "amd",
                "0x8086" => "intel",
                "0x5143" => "qualcomm",
                _ => null,
            };
            if (vendor is null)
            {
                continue;
            }

            var bus = NormalizeBus(ProbeFileSystem.ResolveLinkName(device) ?? name);
            if (!seenBuses.Add(bus))
            {
                continue;
            }

            var driver = ProbeFileSystem.ResolveLinkName(Path.Combine(device, "driver"));
            long.TryParse(ProbeFileSystem.ReadFullPath(Path.Combine(device, "mem_info_vram_total"))?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var vram);
            accelerators.Add(new AcceleratorInfo
            {
                Type = AcceleratorType.Gpu,
                Vendor = vendor,
                Name = ProbeFileSystem.ReadFullPath(Path.Combine(device, "product_name"))?.Trim() is { Length: > 0 } product ? product : $"{vendor.ToUpperInvariant()} GPU {deviceId}",
                MemoryBytes = vram,
                Driver = driver,
                PciId = vendorId is null || deviceId is null ? null : $"{vendorId[2..]}:{deviceId[2..]}",
                Apis = DrmApis(vendor, driver, vulkan),
                Source = $"/sys/class/drm/{name}",
            });
        }
    }

    private List<AcceleratorApiSupport> DrmApis(string vendor, string? driver, bool vulkan)
    {
        var apis = new List<AcceleratorApiSupport>();
        if (vendor == "nvidia" && driver == "nvidia")
        {
            apis.Add(new AcceleratorApiSupport("cuda"));
        }

        if (vendor == "amd" && driver == "amdgpu" && File.Exists(_files.Resolve("dev/kfd")))
        {
            apis.Add(new AcceleratorApiSupport("rocm"));
        }

        if (vendor == "intel" && driver is "i915" or "xe")
        {
            apis.Add(new AcceleratorApiSupport("openvino"));
        }

        if (vulkan)
        {
            apis.Add(new AcceleratorApiSupport("vulkan"));
        }

        return apis;
    }

    private static string? Field(string text, string key)
    {
        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim() == key)
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }
}
