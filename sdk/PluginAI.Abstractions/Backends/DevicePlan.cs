namespace PluginAI.Backends;

/// <summary>How a model is placed on this machine's devices, with the reason for each choice.</summary>
/// <remarks>Computed by the host's device planner from the hardware profile, the model's metadata and user overrides.</remarks>
public sealed record DevicePlan
{
    /// <summary>Gets the number of CPU threads to use.</summary>
    public required int Threads { get; init; }

    /// <summary>Gets the number of layers to offload to the GPU; 0 runs on the CPU only.</summary>
    public int GpuLayers { get; init; }

    /// <summary>Gets the index of the GPU to use, when <see cref="GpuLayers"/> is above 0.</summary>
    public int MainGpu { get; init; }

    /// <summary>Gets the context size in tokens.</summary>
    public required int ContextSize { get; init; }

    /// <summary>Gets the batch size for prompt processing and embedding, in tokens or inputs.</summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>Gets the number of sequences a chat model generates at once (continuous batching); at least 1.</summary>
    /// <remarks>The sequences share the context's key-value cache; requests beyond this wait in a queue of <see cref="QueueLimit"/>.</remarks>
    public int ParallelSequences { get; init; } = 1;

    /// <summary>Gets the number of requests that may wait for a free sequence before new ones are refused; 0 refuses any request that cannot start at once.</summary>
    public int QueueLimit { get; init; } = 64;

    /// <summary>Gets a value indicating whether weights are memory-mapped rather than read into memory.</summary>
    public bool UseMemoryMap { get; init; } = true;

    /// <summary>Gets a value indicating whether mapped weights are locked in memory.</summary>
    public bool LockMemory { get; init; }

    /// <summary>Gets the execution provider or device, such as <c>cpu</c>, <c>cuda</c> or <c>openvino</c>.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Gets the expected memory use in bytes, weights plus caches.</summary>
    public long EstimatedMemoryBytes { get; init; }

    /// <summary>Gets warnings, such as a model that will page because it does not fit in memory.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Gets the reason for each choice, keyed by the property it explains.</summary>
    public IReadOnlyDictionary<string, string> Reasons { get; init; } = new Dictionary<string, string>();
}
