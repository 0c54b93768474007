namespace PluginAI.Host.Planning;

/// <summary>Choices the user made that the device planner must respect.</summary>
public sealed record PlanOverrides
{
    /// <summary>Gets the number of CPU threads, or <see langword="null"/> to plan it.</summary>
    public int? Threads { get; init; }

    /// <summary>Gets the number of layers to offload to the GPU, or <see langword="null"/> to plan it.</summary>
    public int? GpuLayers { get; init; }

    /// <summary>Gets the context size in tokens, or <see langword="null"/> to plan it.</summary>
    public int? ContextSize { get; init; }

    /// <summary>Gets the number of sequences a chat model generates at once, or <see langword="null"/> to plan it.</summary>
    public int? ParallelSequences { get; init; }

    /// <summary>Gets the number of requests that may wait for a free sequence, or <see langword="null"/> for the default.</summary>
    public int? QueueLimit { get; init; }

    /// <summary>Gets whether to memory-map weights, or <see langword="null"/> for the default (yes).</summary>
    public bool? UseMemoryMap { get; init; }

    /// <summary>Gets whether to lock weights in memory, or <see langword="null"/> for the default (no).</summary>
    public bool? LockMemory { get; init; }
}
