using Microsoft.ML.OnnxRuntime;

namespace PluginAI.Backends.Onnx;

/// <summary>Settings of <see cref="OnnxEmbeddingBackend"/> that the contracts have no place for.</summary>
internal sealed record OnnxBackendOptions
{
    /// <summary>The inputs per batch when the plan does not say.</summary>
    public const int DefaultBatchSize = 32;

    /// <summary>Gets the folder for extracted and optimised models when a request names no cache folder.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Gets the graph optimisation level; anything below <see cref="GraphOptimizationLevel.ORT_ENABLE_ALL"/> skips the optimised-model cache.</summary>
    public GraphOptimizationLevel OptimizationLevel { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>Gets the most inputs run together; a plan's smaller batch size wins.</summary>
    public int MaxBatchSize { get; init; } = 64;

    /// <summary>Gets the most padded tokens run together, which bounds the activation memory of one batch.</summary>
    public int MaxBatchTokens { get; init; } = 16_384;

    /// <summary>Gets a maximum sequence length that replaces the model's own, up to its position limit; for comparisons with other tools.</summary>
    public int? MaxSequenceLengthOverride { get; init; }

    /// <summary>Gets a path prefix that turns on ONNX Runtime's profiler, whose JSON names the provider of every node run.</summary>
    public string? ProfilePathPrefix { get; init; }
}
