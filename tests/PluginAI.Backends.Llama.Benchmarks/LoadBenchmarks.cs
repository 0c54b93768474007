using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using PluginAI.Backends.Llama.Internal;

namespace PluginAI.Backends.Llama.Benchmarks;

/// <summary>Time to load the model and create its chat context, memory-mapped or read into memory.</summary>
[Config(typeof(BenchConfig))]
public class LoadBenchmarks
{
    private readonly LlamaBackend _backend = new(NullLogger.Instance);

    [Params(true, false)]
    public bool MemoryMap { get; set; }

    [GlobalSetup]
    public void Setup() => BenchModel.EnsureWritten();

    [Benchmark]
    public async Task Load()
    {
        var model = await _backend.LoadModelAsync(new() { ModelPath = BenchModel.Path, Plan = BenchModel.Plan(MemoryMap), Capabilities = ModelCapabilities.Chat });
        await model.DisposeAsync();
    }
}
