using PluginAI.Hardware;
using PluginAI.Manifest;
using PluginAI.Manifest.Compatibility;
using PluginAI.TestSupport;

namespace PluginAI.Manifest.Tests;

public sealed class CompatibilityCheckerTests
{
    private static PluginManifest Manifest(HardwareRequirements? requirements = null, string hostApi = "[2.0,3.0)", params PluginVariant[] variants) => new()
    {
        Id = "Test.Plugin",
        Version = new SemanticVersion(1),
        Kinds = [PluginKind.Backend],
        Entry = new PluginEntryPoint("Test.dll", "Test.Plugin"),
        HostApi = VersionRange.Parse(hostApi),
        Requirements = requirements ?? HardwareRequirements.None,
        Variants = variants,
    };

    private static PluginVariant Cuda(string name = "cuda12", string min = "12.0", long? vram = null) => new()
    {
        Name = name,
        Requirements = new HardwareRequirements { Accelerators = [new AcceleratorRequirement { Type = AcceleratorType.Gpu, Api = "cuda", MinApiVersion = SemanticVersion.Parse(min), MinVramMb = vram }] },
    };

    [Fact]
    public void Check_PluginTooOldForHost_SaysToUpdateThePlugin()
    {
        var report = CompatibilityChecker.Check(Manifest(hostApi: "[0.1,0.9)"), TestHardware.CpuOnly());
        Assert.False(report.IsCompatible);
        Assert.Contains("install a newer version of the plugin", Assert.Single(report.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_WrongRid_IsExplained()
    {
        var report = CompatibilityChecker.Check(Manifest(new HardwareRequirements { RuntimeIdentifiers = ["win-x64", "osx-arm64"] }), TestHardware.CpuOnly());
        Assert.Equal("it is built for win-x64, osx-arm64; this machine is linux-x64", Assert.Single(report.Problems));
    }

    [Fact]
    public void Check_VariantNeedsMoreVramThanTheGpuHas_FallsBackToBaseWithReason()
    {
        var report = CompatibilityChecker.Check(Manifest(null, "[2.0,3.0)", Cuda(vram: 12288)), TestHardware.WithNvidiaGpu(vramGb: 8));
        Assert.True(report.IsCompatible);
        Assert.Null(report.SelectedVariant);
        var cuda = report.Decisions.Single(d => d.Build == "cuda12");
        Assert.False(cuda.Fits);
        Assert.Equal("it needs 12,288 MiB of GPU memory; NVIDIA GeForce RTX 4060 has 8,192 MiB", Assert.Single(cuda.Problems));
        Assert.True(report.Decisions.Single(d => d.Build == "base").Chosen);
    }

    [Fact]
    public void Check_GpuOfAnotherVendor_SaysItLacksTheApi()
    {
        var amd = TestHardware.CpuOnly() with
        {
            Accelerators = [new AcceleratorInfo { Type = AcceleratorType.Gpu, Vendor = "amd", Name = "Radeon RX 7600", Apis = [new AcceleratorApiSupport("rocm"), new AcceleratorApiSupport("vulkan")] }],
        };
        var report = CompatibilityChecker.Check(Manifest(Cuda().Requirements), amd);
        Assert.Equal("it needs a GPU with CUDA 12.0 or later; the GPUs found (Radeon RX 7600) do not offer CUDA", Assert.Single(report.Problems));
    }

    [Fact]
    public void Check_UnknownApiVersion_IsAcceptedWithANote()
    {
        var report = CompatibilityChecker.Check(Manifest(null, "[2.0,3.0)", Cuda()), TestHardware.WithNvidiaGpu() with
        {
            Accelerators = [TestHardware.WithNvidiaGpu().Accelerators[0] with { Apis = [new AcceleratorApiSupport("cuda")] }],
        });
        Assert.Equal("cuda12", report.SelectedVariant);
        Assert.Contains(report.Notes, n => n.Contains("CUDA version of NVIDIA GeForce RTX 4060 is unknown", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_NpuRequirement_MatchesAnNpu()
    {
        var npuMachine = TestHardware.CpuOnly() with
        {
            Accelerators = [new AcceleratorInfo { Type = AcceleratorType.Npu, Vendor = "intel", Name = "Intel NPU", Apis = [new AcceleratorApiSupport("openvino")] }],
        };
        var requirement = new HardwareRequirements { Accelerators = [new AcceleratorRequirement { Type = AcceleratorType.Npu, Api = "openvino" }] };
        Assert.True(CompatibilityChecker.Check(Manifest(requirement), npuMachine).IsCompatible);
        Assert.Equal("it needs a NPU with OpenVINO; no NPU was found", Assert.Single(CompatibilityChecker.Check(Manifest(requirement), TestHardware.CpuOnly()).Problems));
    }
}
