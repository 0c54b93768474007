using PluginAI.Hardware;

namespace PluginAI.TestSupport;

/// <summary>Hardware profiles of made-up machines, for tests of compatibility checks, admission and planning.</summary>
public static class TestHardware
{
    /// <summary>A CPU-only Linux x64 machine.</summary>
    public static HardwareProfile CpuOnly(long ramGb = 16, params string[] isas) => new()
    {
        OperatingSystem = "linux",
        Architecture = "x64",
        RuntimeIdentifier = "linux-x64",
        Cpu = new CpuInfo { ModelName = "Test CPU", PhysicalCores = 4, LogicalCores = 8, InstructionSets = isas.Length > 0 ? isas : ["avx", "avx2", "fma"] },
        Memory = new MemoryInfo { TotalBytes = ramGb << 30, AvailableBytes = ramGb << 29 },
    };

    /// <summary>The same machine with an NVIDIA GPU that supports CUDA and Vulkan.</summary>
    public static HardwareProfile WithNvidiaGpu(long vramGb = 8, string cuda = "12.4") => CpuOnly() with
    {
        Accelerators =
        [
            new AcceleratorInfo
            {
                Type = AcceleratorType.Gpu,
                Vendor = "nvidia",
                Name = "NVIDIA GeForce RTX 4060",
                MemoryBytes = vramGb << 30,
                Apis = [new AcceleratorApiSupport("cuda", cuda), new AcceleratorApiSupport("vulkan")],
            },
        ],
    };
}
