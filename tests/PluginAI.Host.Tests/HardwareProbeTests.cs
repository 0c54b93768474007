using System.Diagnostics;
using PluginAI.Hardware;
using PluginAI.Host.Hardware;

namespace PluginAI.Host.Tests;

public sealed class HardwareProbeTests : IDisposable
{
    private readonly FakeHardwareTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public async Task Probe_ThisMachine_ReportsRealCpuAndMemory()
    {
        var profile = await new HardwareProbe().ProbeAsync();

        Assert.Equal(Environment.ProcessorCount, profile.Cpu.LogicalCores);
        Assert.InRange(profile.Cpu.PhysicalCores, 1, profile.Cpu.LogicalCores);
        Assert.True(profile.Memory.TotalBytes > 256L << 20);
        Assert.InRange(profile.Memory.AvailableBytes, 1, profile.Memory.TotalBytes);
        Assert.Equal(System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier, profile.RuntimeIdentifier);
        Assert.Equal(System.Runtime.Intrinsics.X86.Avx2.IsSupported, profile.Cpu.Supports("avx2"));
        Assert.Equal(System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported, profile.Cpu.Supports("neon"));
    }

    [Fact]
    public async Task Probe_FakeTree_ReadsCoresMemoryAndContainerLimit()
    {
        _tree.Write("proc/cpuinfo", """
            processor	: 0
            vendor_id	: GenuineIntel
            model name	: Intel(R) Core(TM) i7-1260P
            physical id	: 0
            core id		: 0
            flags		: fpu sse avx f16c avx2

            processor	: 1
            vendor_id	: GenuineIntel
            model name	: Intel(R) Core(TM) i7-1260P
            physical id	: 0
            core id		: 0
            flags		: fpu sse avx f16c avx2

            processor	: 2
            physical id	: 0
            core id		: 1

            processor	: 3
            physical id	: 0
            core id		: 1

            """);
        _tree.Write("proc/meminfo", "MemTotal:       16318412 kB\nMemFree:         1000000 kB\nMemAvailable:   12000000 kB\n");
        _tree.Write("sys/fs/cgroup/memory.max", "8589934592\n");
        _tree.Write("sys/fs/cgroup/memory.current", "1073741824\n");

        var profile = await new HardwareProbe(new HardwareProbeOptions { RootPath = _tree.Root }).ProbeAsync();

        Assert.Equal("Intel(R) Core(TM) i7-1260P", profile.Cpu.ModelName);
        Assert.Equal("GenuineIntel", profile.Cpu.Vendor);
        Assert.Contains("f16c", profile.Cpu.InstructionSets);
        Assert.Equal(8589934592, profile.Memory.TotalBytes);
        Assert.Equal(8589934592 - 1073741824, profile.Memory.AvailableBytes);
        Assert.Contains(profile.Notes, n => n.Contains("limited by the container", StringComparison.Ordinal));
        Assert.Empty(profile.Accelerators);
    }

    [Fact]
    public async Task Probe_FakeNvidiaDriver_ReportsGpuMemoryCudaAndVulkan()
    {
        _tree.Write("proc/driver/nvidia/version", "NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.159.04  Thu Oct  2 2026\nGCC version:  gcc 12\n");
        _tree.Write("proc/driver/nvidia/gpus/0000:01:00.0/information", "Model: \t\t NVIDIA H100 80GB HBM3\nBus Location: \t 0000:01:00.0\n");
        _tree.Write("usr/lib/x86_64-linux-gnu/libvulkan.so.1", string.Empty);
        var options = new HardwareProbeOptions
        {
            RootPath = _tree.Root,
            NvidiaSmi = () => "NVIDIA H100 80GB HBM3, 81559, 580.159.04, 00000000:01:00.0, 0x233010DE\n",
            CudaDriverVersion = () => "13.0",
        };

        var profile = await new HardwareProbe(options).ProbeAsync();

        var gpu = Assert.Single(profile.Accelerators);
        Assert.Equal(AcceleratorType.Gpu, gpu.Type);
        Assert.Equal("nvidia", gpu.Vendor);
        Assert.Equal("NVIDIA H100 80GB HBM3", gpu.Name);
        Assert.Equal(81559L * 1024 * 1024, gpu.MemoryBytes);
        Assert.Equal("10de:2330", gpu.PciId);
        Assert.Equal("nvidia 580.159.04", gpu.Driver);
        Assert.Equal("13.0", gpu.FindApi("cuda")!.Version);
        Assert.NotNull(gpu.FindApi("vulkan"));
        Assert.True(profile.VulkanLoaderPresent);
    }

    [Fact]
    public async Task Probe_NvidiaDriverWithoutSmi_StillListsGpuFromProc()
    {
        _tree.Write("proc/driver/nvidia/version", "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.14\n");
        _tree.Write("proc/driver/nvidia/gpus/0000:01:00.0/information", "Model: \t\t NVIDIA GeForce RTX 4060\n");
        var options = new HardwareProbeOptions { RootPath = _tree.Root, NvidiaSmi = () => null, CudaDriverVersion = () => null };

        var profile = await new HardwareProbe(options).ProbeAsync();

        var gpu = Assert.Single(profile.Accelerators);
        Assert.Equal("NVIDIA GeForce RTX 4060", gpu.Name);
        Assert.Equal(0, gpu.MemoryBytes);
        Assert.Contains(profile.Notes, n => n.Contains("memory is unknown", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Probe_FakeDrmAndAccel_FindsAmdGpuWithRocmAndIntelNpu()
    {
        _tree.Write("sys/devices/pci0000:00/0000:03:00.0/vendor", "0x1002\n");
        _tree.Write("sys/devices/pci0000:00/0000:03:00.0/device", "0x744c\n");
        _tree.Write("sys/devices/pci0000:00/0000:03:00.0/mem_info_vram_total", "25753026560\n");
        _tree.Write("sys/devices/pci0000:00/0000:03:00.0/product_name", "Radeon RX 7900 XTX\n");
        _tree.Folder("sys/bus/pci/drivers/amdgpu");
        _tree.Link("sys/devices/pci0000:00/0000:03:00.0/driver", "../../../bus/pci/drivers/amdgpu");
        _tree.Folder("sys/class/drm/card1");
        _tree.Link("sys/class/drm/card1/device", "../../../devices/pci0000:00/0000:03:00.0");
        _tree.Folder("sys/class/drm/card1-DP-1");
        _tree.Write("dev/kfd", string.Empty);

        _tree.Write("sys/devices/pci0000:00/0000:00:0b.0/vendor", "0x8086\n");
        _tree.Write("sys/devices/pci0000:00/0000:00:0b.0/device", "0x7d1d\n");
        _tree.Folder("sys/bus/pci/drivers/intel_vpu");
        _tree.Link("sys/devices/pci0000:00/0000:00:0b.0/driver", "../../../bus/pci/drivers/intel_vpu");
        _tree.Folder("sys/class/accel/accel0");
        _tree.Link("sys/class/accel/accel0/device", "../../../devices/pci0000:00/0000:00:0b.0");
        _tree.Write("dev/accel/accel0", string.Empty);

        var profile = await new HardwareProbe(new HardwareProbeOptions { RootPath = _tree.Root }).ProbeAsync();

        var gpu = Assert.Single(profile.Accelerators, a => a.Type == AcceleratorType.Gpu);
        Assert.Equal("amd", gpu.Vendor);
        Assert.Equal("Radeon RX 7900 XTX", gpu.Name);
        Assert.Equal(25753026560, gpu.MemoryBytes);
        Assert.Equal("1002:744c", gpu.PciId);
        Assert.Equal("amdgpu", gpu.Driver);
        Assert.NotNull(gpu.FindApi("rocm"));
        Assert.Null(gpu.FindApi("vulkan"));
        var npu = Assert.Single(profile.Accelerators, a => a.Type == AcceleratorType.Npu);
        Assert.Equal("intel", npu.Vendor);
        Assert.Equal("Intel NPU", npu.Name);
        Assert.NotNull(npu.FindApi("openvino"));
        Assert.Equal("/dev/accel/accel0", npu.Source);
    }

    [Fact]
    public async Task Probe_MachineWithoutGpus_IsFast()
    {
        // Not a timing assertion on a shared machine: a generous bound that only a probe that spawns
        // processes or scans the disk on a machine without GPUs would break.
        var probe = new HardwareProbe();
        await probe.ProbeAsync();
        var watch = Stopwatch.StartNew();
        var profile = await probe.ProbeAsync();
        watch.Stop();
        if (profile.Accelerators.Count == 0)
        {
            Assert.True(watch.ElapsedMilliseconds < 2000, $"probe took {watch.ElapsedMilliseconds} ms");
        }
    }

    [Fact]
    public async Task StaticProbe_ReadsTheHardwareObjectOfDoctorJson()
    {
        var path = Path.Combine(_tree.Root, "profile.json");
        _tree.Write("profile.json", """
            { "home": "/x", "hardware": {
              "operatingSystem": "linux", "architecture": "x64", "runtimeIdentifier": "linux-x64",
              "cpu": { "modelName": "Fake", "physicalCores": 4, "logicalCores": 8, "instructionSets": ["avx2"] },
              "memory": { "totalBytes": 8589934592, "availableBytes": 4294967296 },
              "accelerators": [ { "type": "npu", "vendor": "intel", "name": "Intel NPU", "apis": [ { "api": "openvino" } ] } ] } }
            """);

        var profile = await StaticHardwareProbe.FromFile(path).ProbeAsync();

        Assert.Equal("Fake", profile.Cpu.ModelName);
        Assert.Equal(AcceleratorType.Npu, Assert.Single(profile.Accelerators).Type);
    }

    [Fact]
    public void StaticProbe_BadFile_NamesTheFile()
    {
        _tree.Write("bad.json", "{ \"hardware\": 42 }");
        var ex = Assert.Throws<InvalidDataException>(() => StaticHardwareProbe.FromFile(Path.Combine(_tree.Root, "bad.json")));
        Assert.Contains("bad.json", ex.Message, StringComparison.Ordinal);
    }
}
