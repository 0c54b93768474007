namespace PluginAI.Hardware;

/// <summary>The memory of the machine, in bytes.</summary>
public sealed record MemoryInfo
{
    /// <summary>Gets the physical memory, or the container's limit when that is lower.</summary>
    public required long TotalBytes { get; init; }

    /// <summary>Gets the memory available to new allocations without swapping, as the operating system estimates it.</summary>
    public required long AvailableBytes { get; init; }
}
