using PluginAI.Gguf;
using PluginAI.Hardware;
using PluginAI.Host.Planning;
using PluginAI.TestSupport;

namespace PluginAI.Host.Tests;

public sealed class DevicePlannerTests
{
    private const long MiB = 1024 * 1024;
    private const long GiB = 1024 * MiB;

    // Shaped like Llama 3 8B / Mistral 7B at Q4_K_M: 32 blocks of ~118 MiB, ~300 MiB outside them, 8 of 32 heads for keys and values.
    private static readonly ModelProfile s_seven = new()
    {
        Path = "mistral-7b.Q4_K_M.gguf",
        Architecture = "llama",
        FileBytes = (4.1 * GiB) is var f ? (long)f : 0,
        LayerCount = 32,
        BytesPerLayer = 118 * MiB,
        NonLayerBytes = 300 * MiB,
        TrainedContextLength = 32768,
        KeyValueWidth = 1024,
        Quantization = "Q4_K",
    };

    private static readonly string[] s_cpuBuild = ["cpu"];
    private static readonly string[] s_cudaBuild = ["cpu", "cuda"];

    private static HardwareProfile Machine(long ramGb, int physical = 4, int logical = 8, params AcceleratorInfo[] accelerators) => new()
    {
        OperatingSystem = "linux",
        Architecture = "x64",
        RuntimeIdentifier = "linux-x64",
        Cpu = new CpuInfo { PhysicalCores = physical, LogicalCores = logical, InstructionSets = ["avx2", "fma"] },
        Memory = new MemoryInfo { TotalBytes = ramGb * GiB, AvailableBytes = ramGb * GiB * 3 / 4 },
        Accelerators = accelerators,
    };

    private static AcceleratorInfo Nvidia(long vramGb) => new()
    {
        Type = AcceleratorType.Gpu,
        Vendor = "nvidia",
        Name = $"RTX {vramGb} GB",
        MemoryBytes = vramGb * GiB,
        Apis = [new AcceleratorApiSupport("cuda", "12.4"), new AcceleratorApiSupport("vulkan")],
    };

    private static AcceleratorInfo IntelNpu() => new()
    {
        Type = AcceleratorType.Npu,
        Vendor = "intel",
        Name = "Intel NPU",
        Apis = [new AcceleratorApiSupport("openvino")],
    };

    [Fact]
    public void Plan_8GbNoGpu_RunsOnCpuWithPhysicalCoresAndFits()
    {
        var plan = DevicePlanner.PlanGenerative(Machine(8), s_seven, s_cpuBuild);

        Assert.Equal(4, plan.Threads);
        Assert.Contains("hyper-threads", plan.Reasons["Threads"], StringComparison.Ordinal);
        Assert.Equal(0, plan.GpuLayers);
        Assert.Equal("cpu", plan.Device);
        Assert.Equal("none: no GPU was found", plan.Reasons["GpuLayers"]);
        Assert.Equal(DevicePlanner.DefaultContext, plan.ContextSize);
        Assert.True(plan.UseMemoryMap);
        Assert.StartsWith("fits", plan.Reasons["EstimatedMemoryBytes"], StringComparison.Ordinal);
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void Plan_16GbWith8GbVram_OffloadsEverything()
    {
        var plan = DevicePlanner.PlanGenerative(Machine(16, accelerators: Nvidia(8)), s_seven, s_cudaBuild);

        Assert.Equal(33, plan.GpuLayers);
        Assert.Equal("cuda", plan.Device);
        Assert.StartsWith("all 32 layers and the output layer on RTX 8 GB", plan.Reasons["GpuLayers"], StringComparison.Ordinal);
        Assert.Equal(4096, plan.ContextSize);
    }

    [Fact]
    public void Plan_GpuButCpuOnlyBackendBuild_ExplainsWhichVariantIsNeeded()
    {
        var plan = DevicePlanner.PlanGenerative(Machine(16, accelerators: Nvidia(8)), s_seven, s_cpuBuild);

        Assert.Equal(0, plan.GpuLayers);
        Assert.Equal("none: this backend build runs on cpu only; RTX 8 GB needs its cuda or vulkan variant", plan.Reasons["GpuLayers"]);
    }

    [Fact]
    public void Plan_4GbVram_OffloadsAComputedPartOfTheLayers()
    {
        var plan = DevicePlanner.PlanGenerative(Machine(16, accelerators: Nvidia(4)), s_seven, s_cudaBuild);

        // usable: 4 GiB x 0.9 - 512 MiB = 3174 MiB; minus 300 MiB outside the blocks; each block 118 MiB + 16 MiB of cache.
        var expected = (int)(((4 * GiB * 0.9) - (512 * MiB) - (300 * MiB)) / ((118 * MiB) + (2L * 2 * 1024 * 4096)));
        Assert.Equal(21, expected);
        Assert.Equal(expected, plan.GpuLayers);
        Assert.Equal("cuda", plan.Device);
        Assert.Contains("21 of 32 layers on RTX 4 GB", plan.Reasons["GpuLayers"], StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_MachineWithNpu_RunsGgufOnCpuAndSaysWhyTheNpuIsUnused()
    {
        var machine = Machine(16, accelerators: IntelNpu());
        var plan = DevicePlanner.PlanGenerative(machine, s_seven, s_cpuBuild);

        Assert.Equal(0, plan.GpuLayers);
        Assert.Contains("NPUs serve ONNX models", plan.Reasons["Npu"], StringComparison.Ordinal);

        Assert.Equal("openvino", DevicePlanner.PlanEmbedding(machine, ["cpu", "openvino"]).Device);
        var cpuOnly = DevicePlanner.PlanEmbedding(machine, s_cpuBuild);
        Assert.Equal("cpu", cpuOnly.Device);
        Assert.Contains("install its openvino variant", cpuOnly.Reasons["Device"], StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_ModelLargerThanRam_WarnsAboutPagingButDoesNotRefuse()
    {
        var thirteen = s_seven with { LayerCount = 40, BytesPerLayer = 190 * MiB, NonLayerBytes = 400 * MiB };
        var plan = DevicePlanner.PlanGenerative(Machine(8), thirteen, s_cpuBuild);

        Assert.True(plan.UseMemoryMap);
        Assert.StartsWith("pages", plan.Reasons["EstimatedMemoryBytes"], StringComparison.Ordinal);
        Assert.Contains(plan.Warnings, w => w.Contains("paging weights from disk", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_TightVram_ShortensContextToOffloadEverything()
    {
        // 4.0 GiB of weights and a 2 GiB cache at 4096 tokens (1 GiB at 2048) exceed the 4.9 GiB usable on a 6 GiB card; at 1024 tokens they fit.
        var wide = s_seven with { KeyValueWidth = 4096 };
        var plan = DevicePlanner.PlanGenerative(Machine(16, accelerators: Nvidia(6)), wide, s_cudaBuild);

        Assert.Equal(33, plan.GpuLayers);
        Assert.Equal(1024, plan.ContextSize);
        Assert.Contains("shortened from 4096", plan.Reasons["ContextSize"], StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_Overrides_AreRespectedAndExplained()
    {
        var plan = DevicePlanner.PlanGenerative(Machine(16, accelerators: Nvidia(8)), s_seven, s_cudaBuild, new PlanOverrides { Threads = 64, GpuLayers = 10, ContextSize = 65536, UseMemoryMap = false, LockMemory = true });

        Assert.Equal(8, plan.Threads);
        Assert.Contains("64 were requested", plan.Reasons["Threads"], StringComparison.Ordinal);
        Assert.Equal(10, plan.GpuLayers);
        Assert.Equal(65536, plan.ContextSize);
        Assert.False(plan.UseMemoryMap);
        Assert.True(plan.LockMemory);
        Assert.Contains(plan.Warnings, w => w.Contains("longer than the 32768", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_Cpu_RunsFourSequencesAtOnceWithTheDefaultQueue()
    {
        var plan = DevicePlanner.PlanGenerative(Machine(8), s_seven, s_cpuBuild);

        Assert.Equal(DevicePlanner.DefaultCpuParallelSequences, plan.ParallelSequences);
        Assert.Equal(DevicePlanner.DefaultQueueLimit, plan.QueueLimit);
        Assert.Contains("CPU step", plan.Reasons["ParallelSequences"], StringComparison.Ordinal);
        Assert.Contains("429", plan.Reasons["QueueLimit"], StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_FullyOffloaded_RunsEightSequencesAtOnce()
    {
        var full = DevicePlanner.PlanGenerative(Machine(16, accelerators: Nvidia(8)), s_seven, s_cudaBuild);
        var partial = DevicePlanner.PlanGenerative(Machine(16, accelerators: Nvidia(4)), s_seven, s_cudaBuild);

        Assert.Equal(DevicePlanner.DefaultGpuParallelSequences, full.ParallelSequences);
        Assert.Contains("GPU", full.Reasons["ParallelSequences"], StringComparison.Ordinal);
        Assert.True(partial.GpuLayers < s_seven.LayerCount);
        Assert.Equal(DevicePlanner.DefaultCpuParallelSequences, partial.ParallelSequences);
    }

    [Theory]
    [InlineData(2, 10, 2, 10)]
    [InlineData(1, 0, 1, 0)]
    [InlineData(0, -3, 1, 0)]
    public void Plan_SequenceOverrides_AreRespectedClampedAndExplained(int parallel, int queue, int expectedParallel, int expectedQueue)
    {
        var plan = DevicePlanner.PlanGenerative(Machine(8), s_seven, s_cpuBuild, new PlanOverrides { ParallelSequences = parallel, QueueLimit = queue });

        Assert.Equal(expectedParallel, plan.ParallelSequences);
        Assert.Equal(expectedQueue, plan.QueueLimit);
        Assert.Equal(parallel == expectedParallel ? $"{parallel}, as requested" : $"1: {parallel} was requested, and at least one sequence must run", plan.Reasons["ParallelSequences"]);
        Assert.StartsWith(queue == expectedQueue ? $"{queue} waiting requests, as requested" : "0:", plan.Reasons["QueueLimit"], StringComparison.Ordinal);
    }

    [Fact]
    public void ModelProfile_FromARealGgufHeader_ReadsLayersAndCacheWidth()
    {
        var path = Path.Combine(Path.GetTempPath(), $"plan-{Guid.NewGuid():N}.gguf");
        try
        {
            TinyLlamaModel.Write(path, new TinyLlamaModelOptions { BlockCount = 3, EmbeddingLength = 64, HeadCount = 4, ContextLength = 1024 });
            var profile = ModelProfile.FromGguf(GgufFile.Read(path));

            Assert.Equal(3, profile.LayerCount);
            Assert.Equal(1024, profile.TrainedContextLength);
            Assert.Equal(64, profile.KeyValueWidth);
            Assert.True(profile.BytesPerLayer > 0);
            Assert.True(profile.WeightBytes <= profile.FileBytes);
            var plan = DevicePlanner.PlanGenerative(Machine(8), profile, s_cpuBuild);
            Assert.Equal(1024, plan.ContextSize);
            Assert.Contains("trained with", plan.Reasons["ContextSize"], StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
