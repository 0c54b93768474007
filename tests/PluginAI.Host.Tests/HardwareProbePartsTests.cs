using PluginAI.Hardware;
using PluginAI.Host.Hardware;
using PluginAI.Host.Hardware.Internal;

namespace PluginAI.Host.Tests;

public sealed class HardwareProbePartsTests : IDisposable
{
    private readonly FakeHardwareTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void CpuInfoFile_TwoPackagesWithHyperThreading_CountsDistinctCoresAndKernelOnlyFlags()
    {
        var text = string.Join('\n', Enumerable.Range(0, 8).Select(p => $"""
            processor	: {p}
            vendor_id	: AuthenticAMD
            model name	: AMD EPYC 9654
            physical id	: {p / 4}
            core id		: {p % 2}
            flags		: fpu sse {(p == 3 ? "sve2 f16c" : "f16c")} avx2

            """.Replace("\r\n", "\n", StringComparison.Ordinal)));

        var file = CpuInfoFile.Parse(text);

        Assert.Equal(("AMD EPYC 9654", "AuthenticAMD", 8, 4), (file.ModelName, file.Vendor, file.Processors, file.Cores));
        Assert.Equal(new[] { "f16c", "sve2" }, file.KernelOnlyFlags);
    }

    [Fact]
    public void CpuInfoFile_Arm_NamesTheImplementerAndHasNoCoreIds()
    {
        var file = CpuInfoFile.Parse("processor\t: 0\nBogoMIPS\t: 48.00\nFeatures\t: fp asimd sve\nCPU implementer\t: 0x41\n\nprocessor\t: 1\nCPU implementer\t: 0x41\n\nHardware\t: BCM2835\n");

        Assert.Equal(("BCM2835", "ARM", 2, 0), (file.ModelName, file.Vendor, file.Processors, file.Cores));
        Assert.Equal(new[] { "sve" }, file.KernelOnlyFlags);
        Assert.Equal("ARM implementer 0x99", CpuInfoFile.Parse("CPU implementer : 0x99\n").Vendor);
    }

    [Theory]
    [InlineData(16, 8, 16, 8)]
    [InlineData(16, 8, 4, 2)]
    [InlineData(16, 8, 1, 1)]
    [InlineData(8, 8, 4, 4)]
    [InlineData(8, 8, 32, 8)]
    public void CpuProbe_PhysicalCoresOfProcess_ScalesByThreadsPerCore(int machineLogical, int machinePhysical, int processLogical, int expected) =>
        Assert.Equal(expected, CpuProbe.PhysicalCoresOfProcess(machineLogical, machinePhysical, processLogical));

    [Fact]
    public void CpuProbe_NoCoreIdsInCpuinfo_CountsSysfsTopology()
    {
        _tree.Write("proc/cpuinfo", "processor\t: 0\n\nprocessor\t: 1\n\nprocessor\t: 2\n\nprocessor\t: 3\n");
        for (var cpu = 0; cpu < 4; cpu++)
        {
            _tree.Write($"sys/devices/system/cpu/cpu{cpu}/topology/core_id", $"{cpu / 2}\n");
            _tree.Write($"sys/devices/system/cpu/cpu{cpu}/topology/physical_package_id", "0\n");
        }

        var notes = new List<string>();
        var cpuInfo = new CpuProbe(new ProbeFileSystem(_tree.Root)).ProbeLinux(notes);

        Assert.Equal(CpuProbe.PhysicalCoresOfProcess(4, 2, Environment.ProcessorCount), cpuInfo.PhysicalCores);
        Assert.Equal("unknown", cpuInfo.ModelName);
        Assert.Empty(notes);
    }

    [Fact]
    public void MemoryProbe_ParseMeminfo_ReadsTotalAndAvailableInBytes()
    {
        Assert.Equal(((long?)2048L, (long?)1024L), MemoryProbe.ParseMeminfo("MemTotal:  2 kB\nMemFree:  0 kB\nMemAvailable:  1 kB\n"));
        Assert.Equal(((long?)null, (long?)null), MemoryProbe.ParseMeminfo(null));
        Assert.Equal(((long?)4096L, (long?)null), MemoryProbe.ParseMeminfo("MemTotal: 4 kB\n"));
    }

    [Fact]
    public void MemoryProbe_UnlimitedCgroupOrNoMeminfo_UsesTheMachineOrTheRuntime()
    {
        _tree.Write("proc/meminfo", "MemTotal: 1000 kB\nMemAvailable: 600 kB\n");
        _tree.Write("sys/fs/cgroup/memory.max", "max\n");
        var notes = new List<string>();

        var memory = new MemoryProbe(new ProbeFileSystem(_tree.Root)).ProbeLinux(notes);

        Assert.Equal((1000L * 1024, 600L * 1024), (memory.TotalBytes, memory.AvailableBytes));
        Assert.Empty(notes);
        new MemoryProbe(new ProbeFileSystem(Path.Combine(_tree.Root, "missing"))).ProbeLinux(notes);
        Assert.Contains(notes, n => n.Contains("/proc/meminfo is not readable", StringComparison.Ordinal));
    }

    [Fact]
    public void NvidiaSmi_Parse_ReadsEachGpuAndSkipsShortLines()
    {
        var gpus = NvidiaSmi.Parse("NVIDIA H200, 143771, 580.95.05, 00000000:19:00.0, 0x233510DE\nbroken, line\nNVIDIA L4, 23034, 580.95.05, 00000000:3B:00.0, n/a\n");

        Assert.Equal(2, gpus.Count);
        Assert.Equal(new NvidiaSmiGpu("NVIDIA H200", 143771, "580.95.05", "00000000:19:00.0", "10de:2335"), gpus[0]);
        Assert.Null(gpus[1].PciId);
        Assert.Equal("19:00.0", GpuProbe.NormalizeBus(gpus[0].Bus));
        Assert.Equal("19:00.0", GpuProbe.NormalizeBus("0000:19:00.0"));
    }

    [Theory]
    [InlineData("NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.159.04  Tue Oct 7 2026", "580.159.04")]
    [InlineData("NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  550.54.14  Release Build", "550.54.14")]
    [InlineData("no version here", null)]
    public void GpuProbe_ParseNvidiaDriverVersion_FindsTheDottedNumber(string text, string? expected) =>
        Assert.Equal(expected, GpuProbe.ParseNvidiaDriverVersion(text));

    [Fact]
    public void GpuProbe_DrmFolder_SkipsConnectorsAndUnknownVendorsAndNamesUnnamedCards()
    {
        Card("card0", "0000:00:02.0", "0x8086", "0x46a6", "i915");
        Card("card1", "0000:05:00.0", "0x1234", "0x1111", "bochs");
        _tree.Folder("sys/class/drm/card0-HDMI-A-1");
        _tree.Folder("sys/class/drm/renderD128");
        var accelerators = new List<AcceleratorInfo>();

        new GpuProbe(new ProbeFileSystem(_tree.Root), new HardwareProbeOptions { RootPath = _tree.Root }).ProbeLinux(accelerators, vulkan: true, [], CancellationToken.None);

        var gpu = Assert.Single(accelerators);
        Assert.Equal(("intel", "INTEL GPU 0x46a6", "8086:46a6", "i915", "/sys/class/drm/card0"), (gpu.Vendor, gpu.Name, gpu.PciId, gpu.Driver, gpu.Source));
        Assert.Equal(new[] { "openvino", "vulkan" }, gpu.Apis.Select(a => a.Api));
    }

    [Fact]
    public void GpuProbe_NvidiaCardSeenBySmi_IsListedOnce()
    {
        _tree.Write("proc/driver/nvidia/version", "NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.95.05\n");
        Card("card0", "0000:19:00.0", "0x10de", "0x2335", "nvidia");
        var options = new HardwareProbeOptions
        {
            RootPath = _tree.Root,
            NvidiaSmi = () => "NVIDIA H200, 143771, 580.95.05, 00000000:19:00.0, 0x233510DE\n",
            CudaDriverVersion = () => "13.0",
        };
        var accelerators = new List<AcceleratorInfo>();

        new GpuProbe(new ProbeFileSystem(_tree.Root), options).ProbeLinux(accelerators, vulkan: false, [], CancellationToken.None);

        var gpu = Assert.Single(accelerators);
        Assert.Equal("nvidia-smi", gpu.Source);
        Assert.Equal("13.0", gpu.FindApi("cuda")!.Version);
    }

    [Fact]
    public void GpuProbe_VulkanLoader_IsFoundInAnyLibraryFolder()
    {
        var probe = new GpuProbe(new ProbeFileSystem(_tree.Root), new HardwareProbeOptions { RootPath = _tree.Root });
        Assert.False(probe.HasVulkanLoader(linuxTree: true));

        _tree.Write("usr/lib64/libvulkan.so.1", string.Empty);

        Assert.True(probe.HasVulkanLoader(linuxTree: true));
    }

    [Fact]
    public void NpuProbe_UnknownDriver_IsListedWithoutApiFromSysfs()
    {
        _tree.Write("sys/devices/pci0000:00/0000:07:00.0/vendor", "0x1e52\n");
        _tree.Write("sys/devices/pci0000:00/0000:07:00.0/device", "0x0001\n");
        _tree.Folder("sys/bus/pci/drivers/tenstorrent");
        _tree.Link("sys/devices/pci0000:00/0000:07:00.0/driver", "../../../bus/pci/drivers/tenstorrent");
        _tree.Folder("sys/class/accel/accel0");
        _tree.Link("sys/class/accel/accel0/device", "../../../devices/pci0000:00/0000:07:00.0");
        var accelerators = new List<AcceleratorInfo>();

        new NpuProbe(new ProbeFileSystem(_tree.Root)).ProbeLinux(accelerators);

        var npu = Assert.Single(accelerators);
        Assert.Equal((AcceleratorType.Npu, "unknown", "NPU (tenstorrent)", "1e52:0001", "/sys/class/accel/accel0"), (npu.Type, npu.Vendor, npu.Name, npu.PciId, npu.Source));
        Assert.Empty(npu.Apis);
    }

    private void Card(string card, string bus, string vendorId, string deviceId, string driver)
    {
        _tree.Write($"sys/devices/pci0000:00/{bus}/vendor", vendorId + "\n");
        _tree.Write($"sys/devices/pci0000:00/{bus}/device", deviceId + "\n");
        _tree.Folder($"sys/bus/pci/drivers/{driver}");
        _tree.Link($"sys/devices/pci0000:00/{bus}/driver", $"../../../bus/pci/drivers/{driver}");
        _tree.Folder($"sys/class/drm/{card}");
        _tree.Link($"sys/class/drm/{card}/device", $"../../../devices/pci0000:00/{bus}");
    }
}
