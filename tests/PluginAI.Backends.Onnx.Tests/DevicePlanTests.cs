using Microsoft.Extensions.Logging.Abstractions;
using PluginAI.Backends;

namespace PluginAI.Backends.Onnx.Tests;

public sealed class DevicePlanTests : IClassFixture<DevicePlanTests.SharedCache>
{
    private readonly OnnxEmbeddingBackend _backend;

    public DevicePlanTests(SharedCache cache) => _backend = new(new OnnxBackendOptions { DataDirectory = cache.Folder.Path }, NullLoggerFactory.Instance);

    private Task<ILoadedModel> LoadAsync(DevicePlan plan) => _backend.LoadModelAsync(new ModelLoadRequest { ModelPath = "all-MiniLM-L6-v2", Plan = plan });

    [Fact]
    public async Task RequestForCuda_RunsOnCpu_AndSaysWhy_WhenTheLoadedRuntimeHasNoCuda()
    {
        Assert.DoesNotContain("cuda", _backend.Metadata.Devices);

        await using var model = await LoadAsync(new DevicePlan { Threads = 2, ContextSize = 256, Device = "cuda" });

        Assert.Equal("cpu", model.Metadata.Plan?.Device);
        Assert.Contains("CUDAExecutionProvider", model.Metadata.Plan!.Reasons["Device"], StringComparison.Ordinal);
        Assert.Equal(384, (await MiniLmFixture.EmbedAsync(model, "still works"))[0].Length);
    }

    [Fact]
    public async Task RequestForUnknownDevice_RunsOnCpu_AndSaysWhy()
    {
        await using var model = await LoadAsync(new DevicePlan { Threads = 2, ContextSize = 256, Device = "vulkan" });

        Assert.Equal("cpu", model.Metadata.Plan?.Device);
        Assert.Contains("does not support", model.Metadata.Plan!.Reasons["Device"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanThreadsBatchAndShorterContext_AreApplied()
    {
        await using var model = await LoadAsync(new DevicePlan { Threads = 1, ContextSize = 128, BatchSize = 8 });

        Assert.Equal(1, model.Metadata.Plan?.Threads);
        Assert.Equal(128, model.Metadata.ContextSize);
        Assert.Equal(8, model.Metadata.Plan?.BatchSize);
        var embeddings = await model.EmbeddingGenerator!.GenerateAsync([FixedSentences.Long]);
        Assert.Equal(128, embeddings.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task PlanWithLongerContext_DoesNotRaiseTheModelsLimit()
    {
        await using var model = await LoadAsync(new DevicePlan { Threads = 2, ContextSize = 4096 });

        Assert.Equal(256, model.Metadata.ContextSize);
    }

    public sealed class SharedCache : IDisposable
    {
        internal TempDirectory Folder { get; } = new();

        public void Dispose() => Folder.Dispose();
    }
}
