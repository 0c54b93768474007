using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using PluginAI.Hardware;

namespace PluginAI.Host.Hardware;

/// <summary>Probes the real machine: CPU, instruction sets, memory, GPUs and NPUs.</summary>
/// <remarks>
/// On Linux it reads <c>/proc</c>, <c>/sys</c> and <c>/dev</c> below <see cref="HardwareProbeOptions.RootPath"/> (a fake tree in
/// tests) and asks <c>nvidia-smi</c> for GPU memory only when the NVIDIA driver is loaded, so a machine without GPUs is
/// probed in a few milliseconds. Instruction sets come from <see cref="System.Runtime.Intrinsics"/>, which reports
/// what both the CPU and the operating system enable. Thread-safe.
/// </remarks>
public sealed class HardwareProbe : IHardwareProbe
{
    private static readonly string[] s_libraryFolders =
    [
        "usr/lib/x86_64-linux-gnu", "usr/lib/aarch64-linux-gnu", "usr/lib64", "usr/lib", "lib/x86_64-linux-gnu", "lib/aarch64-linux-gnu", "lib64", "lib",
    ];

    private readonly HardwareProbeOptions _options;

    /// <summary>Initializes a new instance of the <see cref="HardwareProbe"/> class.</summary>
    /// <param name="options">Where to look; defaults to this machine.</param>
    public HardwareProbe(HardwareProbeOptions? options = null)
    {
        _options = options ?? new HardwareProbeOptions();
    }

    /// <inheritdoc />
    public Task<HardwareProfile> ProbeAsync(CancellationToken cancellationToken = default)
    {
        var notes = new List<string>();
        var os = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "osx" : "unknown";
        var arch = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();
        var isLinuxTree = OperatingSystem.IsLinux() || _options.RootPath != "/";

        var cpu = isLinuxTree ? ProbeLinuxCpu(notes) : ProbeGenericCpu();
        var memory = isLinuxTree ? ProbeLinuxMemory(notes) : ProbeGenericMemory();
        var vulkan = ProbeVulkanLoader(isLinuxTree);
        var accelerators = new List<AcceleratorInfo>();
        if (isLinuxTree)
        {
            ProbeLinuxGpus(accelerators, vulkan, notes, cancellationToken);
            ProbeLinuxNpus(accelerators);
        }
        else if (OperatingSystem.IsMacOS() && RuntimeInformation.OSArchitecture == Architecture.Arm64)
        {
            accelerators.Add(new AcceleratorInfo
            {
                Type = AcceleratorType.Gpu,
                Vendor = "apple",
                Name = "Apple GPU (unified memory)",
                Apis = [new AcceleratorApiSupport("metal")],
                Source = "osx-arm64",
            });
        }
        else
        {
            notes.Add($"GPU and NPU detection is not implemented on {os}; pass a saved profile with --hardware-profile to plan for them.");
        }

        return Task.FromResult(new HardwareProfile
        {
            OperatingSystem = os,
            OperatingSystemDescription = RuntimeInformation.OSDescription,
            Architecture = arch,
            RuntimeIdentifier = RuntimeInformation.RuntimeIdentifier,
            Cpu = cpu,
            Memory = memory,
            Accelerators = accelerators,
            VulkanLoaderPresent = vulkan,
            Notes = notes,
        });
    }

    /// <summary>Lists the instruction sets this process can use, by the names manifests use.</summary>
    /// <returns>The instruction set names.</returns>
    public static IReadOnlyList<string> DetectInstructionSets()
    {
        var sets = new List<string>();
        void Add(bool supported, string name)
        {
            if (supported)
            {
                sets.Add(name);
            }
        }

        Add(Sse3.IsSupported, "sse3");
        Add(Ssse3.IsSupported, "ssse3");
        Add(Sse41.IsSupported, "sse4.1");
        Add(Sse42.IsSupported, "sse4.2");
        Add(Popcnt.IsSupported, "popcnt");
        Add(Avx.IsSupported, "avx");
        Add(Avx2.IsSupported, "avx2");
        Add(Fma.IsSupported, "fma");
        Add(Bmi1.IsSupported, "bmi1");
        Add(Bmi2.IsSupported, "bmi2");
        Add(Lzcnt.IsSupported, "lzcnt");
        Add(Avx512F.IsSupported, "avx512f");
        Add(Avx512BW.IsSupported, "avx512bw");
        Add(Avx512CD.IsSupported, "avx512cd");
        Add(Avx512DQ.IsSupported, "avx512dq");
        Add(Avx512F.VL.IsSupported, "avx512vl");
        Add(Avx512Vbmi.IsSupported, "avx512vbmi");
        Add(AvxVnni.IsSupported, "avxvnni");
        Add(Avx10v1.IsSupported, "avx10.1");
        Add(AdvSimd.IsSupported, "neon");
        Add(Dp.IsSupported, "dotprod");
        Add(Rdm.IsSupported, "rdm");
        Add(Crc32.IsSupported, "crc32");
        Add(System.Runtime.Intrinsics.Arm.Aes.IsSupported, "aes");
        Add(Sha1.IsSupported, "sha1");
        Add(Sha256.IsSupported, "sha256");
        return sets;
    }

    private CpuInfo ProbeLinuxCpu(List<string> notes)
    {
        var logical = Environment.ProcessorCount;
        var sets = DetectInstructionSets().ToList();
        var text = ReadText("proc/cpuinfo");
        if (text is null)
        {
            notes.Add("/proc/cpuinfo is not readable; physical cores assumed equal to logical processors.");
            return new CpuInfo { PhysicalCores = logical, LogicalCores = logical, InstructionSets = sets };
        }

        string? model = null, vendor = null;
        var cores = new HashSet<(string Package, string Core)>();
        var processors = 0;
        string package = "0", core = string.Empty;
        foreach (var rawLine in text.Split('\n'))
        {
            var colon = rawLine.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                if (core.Length > 0)
                {
                    cores.Add((package, core));
                }

                package = "0";
                core = string.Empty;
                continue;
            }

            var key = rawLine[..colon].Trim();
            var value = rawLine[(colon + 1)..].Trim();
            switch (key)
            {
                case "processor":
                    processors++;
                    break;
                case "model name" or "Model" or "Hardware" when model is null && value.Length > 0:
                    model = value;
                    break;
                case "vendor_id" when vendor is null:
                    vendor = value;
                    break;
                case "CPU implementer" when vendor is null:
                    vendor = ArmImplementer(value);
                    break;
                case "physical id":
                    package = value;
                    break;
                case "core id":
                    core = value;
                    break;
                case "flags" or "Features":
                    // F16C and SVE have no stable intrinsics class in .NET; the kernel's flag list is authoritative for them.
                    foreach (var flag in value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (flag is "f16c" or "sve" or "sve2" && !sets.Contains(flag))
                        {
                            sets.Add(flag);
                        }
                    }

                    break;
            }
        }

        if (core.Length > 0)
        {
            cores.Add((package, core));
        }

        // The process may be limited to fewer processors than the machine has (affinity, container quota):
        // scale the physical count by the machine's threads per core.
        var machineLogical = Math.Max(processors, 1);
        var machinePhysical = cores.Count > 0 ? cores.Count : CountSysfsCores() ?? machineLogical;
        var threadsPerCore = Math.Max(1, (int)Math.Round(machineLogical / (double)machinePhysical));
        var physical = Math.Max(1, Math.Min(machinePhysical, logical / threadsPerCore));
        return new CpuInfo
        {
            ModelName = model ?? "unknown",
            Vendor = vendor ?? "unknown",
            PhysicalCores = physical,
            LogicalCores = logical,
            InstructionSets = sets,
        };
    }

    private int? CountSysfsCores()
    {
        var root = Resolve("sys/devices/system/cpu");
        if (!Directory.Exists(root))
        {
            return null;
        }

        var cores = new HashSet<string>();
        foreach (var cpu in Directory.EnumerateDirectories(root, "cpu*"))
        {
            var coreId = ReadText(Path.Combine(cpu, "topology", "core_id"), absolute: true)?.Trim();
            var packageId = ReadText(Path.Combine(cpu, "topology", "physical_package_id"), absolute: true)?.Trim();
            if (coreId is not null)
            {
                cores.Add($"{packageId}:{coreId}");
            }
        }

        return cores.Count > 0 ? cores.Count : null;
    }

    private static CpuInfo ProbeGenericCpu()
    {
        var name = Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER") ?? "unknown";
        var logical = Environment.ProcessorCount;
        return new CpuInfo { ModelName = name, PhysicalCores = logical, LogicalCores = logical, InstructionSets = DetectInstructionSets() };
    }

    private MemoryInfo ProbeLinuxMemory(List<string> notes)
    {
        long? total = null, available = null;
        var text = ReadText("proc/meminfo");
        if (text is not null)
        {
            foreach (var line in text.Split('\n'))
            {
                if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                {
                    total = ParseKib(line);
                }
                else if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                {
                    available = ParseKib(line);
                }
            }
        }

        if (total is null)
        {
            notes.Add("/proc/meminfo is not readable; memory taken from the runtime's view.");
            return ProbeGenericMemory();
        }

        // A container's memory limit is the real ceiling for this process.
        var limitText = ReadText("sys/fs/cgroup/memory.max")?.Trim();
        if (long.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit < total)
        {
            notes.Add($"memory is limited by the container to {limit / (1024 * 1024)} MiB.");
            var used = long.TryParse(ReadText("sys/fs/cgroup/memory.current")?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var current) ? current : 0;
            total = limit;
            available = Math.Min(available ?? limit, Math.Max(0, limit - used));
        }

        return new MemoryInfo { TotalBytes = total.Value, AvailableBytes = available ?? total.Value };
    }

    private static MemoryInfo ProbeGenericMemory()
    {
        var info = GC.GetGCMemoryInfo();
        return new MemoryInfo { TotalBytes = info.TotalAvailableMemoryBytes, AvailableBytes = Math.Max(0, info.TotalAvailableMemoryBytes - info.MemoryLoadBytes) };
    }

    private bool ProbeVulkanLoader(bool linuxTree)
    {
        if (linuxTree)
        {
            return s_libraryFolders.Any(folder => File.Exists(Resolve(Path.Combine(folder, "libvulkan.so.1"))));
        }

        if (OperatingSystem.IsWindows())
        {
            return File.Exists(Path.Combine(Environment.SystemDirectory, "vulkan-1.dll"));
        }

        return false;
    }

    private void ProbeLinuxGpus(List<AcceleratorInfo> accelerators, bool vulkan, List<string> notes, CancellationToken cancellationToken)
    {
        var seenBuses = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var nvidiaVersion = ReadText("proc/driver/nvidia/version");
        if (nvidiaVersion is not null)
        {
            var driver = ParseNvidiaDriverVersion(nvidiaVersion);
            var cuda = _options.CudaDriverVersion?.Invoke() ?? (IsRealRoot ? CudaDriver.TryGetVersion() : null);
            var apis = new List<AcceleratorApiSupport> { new("cuda", cuda) };
            if (vulkan)
            {
                apis.Add(new AcceleratorApiSupport("vulkan"));
            }

            var smi = QueryNvidiaSmi(notes, cancellationToken);
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
            }
            else
            {
                var gpusFolder = Resolve("proc/driver/nvidia/gpus");
                if (Directory.Exists(gpusFolder))
                {
                    foreach (var folder in Directory.EnumerateDirectories(gpusFolder).Order(StringComparer.Ordinal))
                    {
                        var info = ReadText(Path.Combine(folder, "information"), absolute: true) ?? string.Empty;
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
            }
        }

        var drm = Resolve("sys/class/drm");
        if (!Directory.Exists(drm))
        {
            return;
        }

        foreach (var card in Directory.EnumerateDirectories(drm, "card*").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(card);
            if (name.Length == 4 || name.AsSpan(4).ContainsAnyExceptInRange('0', '9'))
            {
                continue;
            }

            var device = Path.Combine(card, "device");
            var vendorId = ReadText(Path.Combine(device, "vendor"), absolute: true)?.Trim().ToLowerInvariant();
            var deviceId = ReadText(Path.Combine(device, "device"), absolute: true)?.Trim().ToLowerInvariant();
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

            var bus = NormalizeBus(ResolveLinkName(device) ?? name);
            if (!seenBuses.Add(bus))
            {
                continue;
            }

            var driver = ResolveLinkName(Path.Combine(device, "driver"));
            var apis = new List<AcceleratorApiSupport>();
            if (vendor == "nvidia" && driver == "nvidia")
            {
                apis.Add(new AcceleratorApiSupport("cuda"));
            }

            if (vendor == "amd" && driver == "amdgpu" && File.Exists(Resolve("dev/kfd")))
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

            long.TryParse(ReadText(Path.Combine(device, "mem_info_vram_total"), absolute: true)?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var vram);
            accelerators.Add(new AcceleratorInfo
            {
                Type = AcceleratorType.Gpu,
                Vendor = vendor,
                Name = ReadText(Path.Combine(device, "product_name"), absolute: true)?.Trim() is { Length: > 0 } product ? product : $"{vendor.ToUpperInvariant()} GPU {deviceId}",
                MemoryBytes = vram,
                Driver = driver,
                PciId = vendorId is null || deviceId is null ? null : $"{vendorId[2..]}:{deviceId[2..]}",
                Apis = apis,
                Source = $"/sys/class/drm/{name}",
            });
        }
    }

    private void ProbeLinuxNpus(List<AcceleratorInfo> accelerators)
    {
        var accel = Resolve("sys/class/accel");
        if (!Directory.Exists(accel))
        {
            return;
        }

        foreach (var node in Directory.EnumerateDirectories(accel, "accel*").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(node);
            var driver = ResolveLinkName(Path.Combine(node, "device", "driver"));
            var (vendor, product, api) = driver switch
            {
                "intel_vpu" => ("intel", "Intel NPU", "openvino"),
                "amdxdna" => ("amd", "AMD XDNA NPU", null),
                "qaic" => ("qualcomm", "Qualcomm Cloud AI", "qnn"),
                "habanalabs" => ("intel", "Intel Gaudi", null),
                _ => ("unknown", $"NPU ({driver ?? "unknown driver"})", (string?)null),
            };
            var vendorId = ReadText(Path.Combine(node, "device", "vendor"), absolute: true)?.Trim().ToLowerInvariant();
            var deviceId = ReadText(Path.Combine(node, "device", "device"), absolute: true)?.Trim().ToLowerInvariant();
            accelerators.Add(new AcceleratorInfo
            {
                Type = AcceleratorType.Npu,
                Vendor = vendor,
                Name = product,
                Driver = driver,
                PciId = vendorId?.Length > 2 && deviceId?.Length > 2 ? $"{vendorId[2..]}:{deviceId[2..]}" : null,
                Apis = api is null ? [] : [new AcceleratorApiSupport(api)],
                Source = File.Exists(Resolve($"dev/accel/{name}")) ? $"/dev/accel/{name}" : $"/sys/class/accel/{name}",
            });
        }
    }

    private List<NvidiaSmiGpu> QueryNvidiaSmi(List<string> notes, CancellationToken cancellationToken)
    {
        var output = _options.NvidiaSmi is { } fake ? fake() : RunNvidiaSmi(notes, cancellationToken);
        var gpus = new List<NvidiaSmiGpu>();
        if (output is null)
        {
            return gpus;
        }

        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(',', StringSplitOptions.TrimEntries);
            if (parts.Length < 5)
            {
                continue;
            }

            long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var mib);
            string? pciId = null;
            if (parts.Length > 4 && parts[4].StartsWith("0x", StringComparison.OrdinalIgnoreCase) && parts[4].Length == 10)
            {
                // nvidia-smi packs the PCI id as 0xDDDDVVVV.
                pciId = $"{parts[4][6..].ToLowerInvariant()}:{parts[4][2..6].ToLowerInvariant()}";
            }

            gpus.Add(new NvidiaSmiGpu(parts[0], mib, parts[2], parts[3], pciId));
        }

        return gpus;
    }

    private static string? RunNvidiaSmi(List<string> notes, CancellationToken cancellationToken)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("nvidia-smi", "--query-gpu=name,memory.total,driver_version,pci.bus_id,pci.device_id --format=csv,noheader,nounits")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            if (!process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                process.Kill(entireProcessTree: true);
                notes.Add("nvidia-smi did not answer within 5 s.");
                return null;
            }

            return process.ExitCode == 0 ? output.GetAwaiter().GetResult() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            notes.Add("the NVIDIA driver is loaded but nvidia-smi is not on the PATH; GPU memory is unknown.");
            return null;
        }
    }

    internal static string? ParseNvidiaDriverVersion(string versionFile)
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

    private static string NormalizeBus(string bus)
    {
        // nvidia-smi writes 00000000:01:00.0, sysfs 0000:01:00.0.
        var parts = bus.Split(':');
        return parts.Length == 3 ? $"{parts[^2]}:{parts[^1]}".ToLowerInvariant() : bus.ToLowerInvariant();
    }

    private static string ArmImplementer(string code) => code.ToLowerInvariant() switch
    {
        "0x41" => "ARM",
        "0x51" => "Qualcomm",
        "0x61" => "Apple",
        "0x48" => "HiSilicon",
        "0xc0" => "Ampere",
        _ => $"ARM implementer {code}",
    };

    private static long? ParseKib(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kib) ? kib * 1024 : null;
    }

    private bool IsRealRoot => _options.RootPath == "/";

    private string Resolve(string relative) => Path.Combine(_options.RootPath, relative);

    private string? ReadText(string path, bool absolute = false)
    {
        try
        {
            var full = absolute ? path : Resolve(path);
            return File.Exists(full) ? File.ReadAllText(full) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? ResolveLinkName(string path)
    {
        try
        {
            var info = new DirectoryInfo(path);
            if (info.LinkTarget is { } target)
            {
                return Path.GetFileName(target.TrimEnd('/'));
            }

            return info.Exists ? info.Name : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private sealed record NvidiaSmiGpu(string Name, long MemoryMib, string? Driver, string Bus, string? PciId);
}
