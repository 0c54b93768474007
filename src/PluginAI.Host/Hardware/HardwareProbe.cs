using System.Runtime.InteropServices;
using PluginAI.Hardware;
using PluginAI.Host.Hardware.Internal;

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
    private readonly HardwareProbeOptions _options;
    private readonly CpuProbe _cpu;
    private readonly MemoryProbe _memory;
    private readonly GpuProbe _gpus;
    private readonly NpuProbe _npus;

    /// <summary>Initializes a new instance of the <see cref="HardwareProbe"/> class.</summary>
    /// <param name="options">Where to look; defaults to this machine.</param>
    public HardwareProbe(HardwareProbeOptions? options = null)
    {
        _options = options ?? new HardwareProbeOptions();
        var files = new ProbeFileSystem(_options.RootPath);
        _cpu = new CpuProbe(files);
        _memory = new MemoryProbe(files);
        _gpus = new GpuProbe(files, _options);
        _npus = new NpuProbe(files);
    }

    /// <inheritdoc />
    public Task<HardwareProfile> ProbeAsync(CancellationToken cancellationToken = default)
    {
        var notes = new List<string>();
        var os = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "osx" : "unknown";
        var arch = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();
        var isLinuxTree = OperatingSystem.IsLinux() || _options.RootPath != "/";

        var cpu = isLinuxTree ? _cpu.ProbeLinux(notes) : CpuProbe.ProbeGeneric();
        var memory = isLinuxTree ? _memory.ProbeLinux(notes) : MemoryProbe.ProbeGeneric();
        var vulkan = _gpus.HasVulkanLoader(isLinuxTree);
        var accelerators = new List<AcceleratorInfo>();
        if (isLinuxTree)
        {
            _gpus.ProbeLinux(accelerators, vulkan, notes, cancellationToken);
            _npus.ProbeLinux(accelerators);
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
    public static IReadOnlyList<string> DetectInstructionSets() => CpuProbe.DetectInstructionSets();
}
