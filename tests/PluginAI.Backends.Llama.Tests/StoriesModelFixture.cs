using PluginAI.Backends;
using PluginAI.Backends.Llama.Internal;
using PluginAI.TestSupport;

namespace PluginAI.Backends.Llama.Tests;

/// <summary>The real trained model stories260K (../shared/models), loaded once per test class.</summary>
public sealed class StoriesModelFixture : IAsyncLifetime
{
    public ListLogger Logger { get; } = new();

    public IInferenceBackend Backend { get; private set; } = null!;

    public ILoadedModel Model { get; private set; } = null!;

    public static DevicePlan Plan(int contextSize = 512) => new()
    {
        Threads = 1,
        ContextSize = contextSize,
        BatchSize = 128,
        UseMemoryMap = true,
    };

    public async Task InitializeAsync()
    {
        Backend = new LlamaBackend(Logger);
        Model = await Backend.LoadModelAsync(new ModelLoadRequest { ModelPath = SharedModels.Stories260K, Plan = Plan() });
    }

    public async Task DisposeAsync() => await Model.DisposeAsync();
}
