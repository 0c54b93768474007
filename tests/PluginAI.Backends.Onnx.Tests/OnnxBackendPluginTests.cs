using Microsoft.Extensions.DependencyInjection;
using PluginAI.Backends;
using PluginAI.Hardware;
using PluginAI.Manifest;

namespace PluginAI.Backends.Onnx.Tests;

public sealed class OnnxBackendPluginTests
{
    private static readonly string s_manifestPath = Path.Combine(AppContext.BaseDirectory, PluginManifest.FileName);

    [Fact]
    public async Task Manifest_IsValid_AndDeclaresTheCudaVariant()
    {
        var result = await ManifestReader.ReadFileAsync(s_manifestPath);

        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(error => error.ToString())));
        Assert.Empty(result.Warnings);
        var manifest = result.Manifest!;
        Assert.Equal(typeof(OnnxBackendPlugin).FullName, manifest.Entry.Type);
        Assert.Equal([PluginKind.Backend], manifest.Kinds);
        var variant = Assert.Single(manifest.Variants);
        Assert.Equal("variants/cuda13", variant.Path);
        var accelerator = Assert.Single(variant.Requirements.Accelerators);
        Assert.Equal("cuda", accelerator.Api);
        Assert.Equal(AcceleratorType.Gpu, accelerator.Type);
    }

    [Fact]
    public async Task ConfigureServices_RegistersAnOnnxBackend_ThatLoadsTheBuiltInModel()
    {
        using var data = new TempDirectory();
        var manifest = (await ManifestReader.ReadFileAsync(s_manifestPath)).GetManifestOrThrow();
        var hardware = new HardwareProfile
        {
            OperatingSystem = "linux",
            Architecture = "x64",
            RuntimeIdentifier = "linux-x64",
            Cpu = new CpuInfo { PhysicalCores = 2, LogicalCores = 2 },
            Memory = new MemoryInfo { TotalBytes = 8L << 30, AvailableBytes = 4L << 30 },
        };
        var services = new ServiceCollection();

        new OnnxBackendPlugin().ConfigureServices(services, new PluginContext(manifest, AppContext.BaseDirectory, data.Path, hardware));
        await using var provider = services.BuildServiceProvider();
        var backend = provider.GetRequiredService<IInferenceBackend>();

        Assert.Equal("onnxruntime", backend.Metadata.Name);
        Assert.Contains("onnx", backend.Metadata.Formats);
        Assert.Equal(ModelCapabilities.Embeddings, backend.Metadata.Capabilities);
        await using var model = await backend.LoadModelAsync(new ModelLoadRequest { ModelPath = "all-MiniLM-L6-v2" });
        Assert.StartsWith(data.Path, model.Metadata.ModelPath, StringComparison.Ordinal);
    }
}
