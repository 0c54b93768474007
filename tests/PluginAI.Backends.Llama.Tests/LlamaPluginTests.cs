using Microsoft.Extensions.DependencyInjection;
using PluginAI.Hardware;
using PluginAI.Manifest;

namespace PluginAI.Backends.Llama.Tests;

public sealed class LlamaPluginTests
{
    private static readonly string s_manifestPath = Path.Combine(AppContext.BaseDirectory, "pluginai.json");

    [Fact]
    public async Task Manifest_IsValidAndNamesTheEntryType()
    {
        var result = await ManifestReader.ReadFileAsync(s_manifestPath);

        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings);
        Assert.Equal([PluginKind.Backend], result.Manifest!.Kinds);
        Assert.Equal(typeof(LlamaPlugin).FullName, result.Manifest.Entry.Type);
        Assert.Equal(typeof(LlamaPlugin).Assembly.GetName().Name + ".dll", result.Manifest.Entry.Assembly);
        Assert.True(result.Manifest.HostApi.Contains(PluginApi.Version));
        Assert.Empty(result.Manifest.Variants);
    }

    [Fact]
    public async Task ConfigureServices_RegistersOneLlamaBackend()
    {
        var manifest = (await ManifestReader.ReadFileAsync(s_manifestPath)).Manifest!;
        var hardware = new HardwareProfile
        {
            OperatingSystem = "linux",
            Architecture = "x64",
            RuntimeIdentifier = "linux-x64",
            Cpu = new CpuInfo { PhysicalCores = 2, LogicalCores = 2 },
            Memory = new MemoryInfo { TotalBytes = 1L << 33, AvailableBytes = 1L << 32 },
        };
        var services = new ServiceCollection();

        new LlamaPlugin().ConfigureServices(services, new PluginContext(manifest, AppContext.BaseDirectory, Path.GetTempPath(), hardware));
        using var provider = services.BuildServiceProvider();
        var backend = provider.GetRequiredService<IInferenceBackend>();

        Assert.Same(backend, provider.GetRequiredService<IInferenceBackend>());
        Assert.Equal("llama.cpp", backend.Metadata.Name);
        Assert.Equal(["gguf"], backend.Metadata.Formats);
        Assert.Equal(["cpu"], backend.Metadata.Devices);
    }

    [Fact]
    public void Output_HoldsOnlyThisPlatformsNativeLibraries()
    {
        var runtimes = Directory.GetDirectories(Path.Combine(AppContext.BaseDirectory, "runtimes")).Select(Path.GetFileName).ToList();

        Assert.Equal([System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier], runtimes);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native"), "libllama.*", SearchOption.AllDirectories));
    }
}
