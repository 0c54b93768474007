namespace PluginAI.Hardware;

/// <summary>A description of the machine: operating system, CPU, memory and accelerators.</summary>
/// <remarks>
/// Produced by the host's hardware probe, or read from a JSON file to plan for another machine. Instances are
/// immutable and safe to share between threads.
/// </remarks>
public sealed record HardwareProfile
{
    /// <summary>Gets the operating system family: <c>linux</c>, <c>windows</c>, <c>osx</c> or <c>unknown</c>.</summary>
    public required string OperatingSystem { get; init; }

    /// <summary>Gets the operating system as the runtime describes it, for display.</summary>
    public string OperatingSystemDescription { get; init; } = string.Empty;

    /// <summary>Gets the process architecture: <c>x64</c>, <c>arm64</c>, <c>x86</c>, <c>arm</c> and so on.</summary>
    public required string Architecture { get; init; }

    /// <summary>Gets the runtime identifier of this machine, such as <c>linux-x64</c>.</summary>
    public required string RuntimeIdentifier { get; init; }

    /// <summary>Gets the CPU.</summary>
    public required CpuInfo Cpu { get; init; }

    /// <summary>Gets the memory.</summary>
    public required MemoryInfo Memory { get; init; }

    /// <summary>Gets the GPUs and NPUs found.</summary>
    public IReadOnlyList<AcceleratorInfo> Accelerators { get; init; } = [];

    /// <summary>Gets a value indicating whether a Vulkan loader library is installed.</summary>
    public bool VulkanLoaderPresent { get; init; }

    /// <summary>Gets notes the probe made while it looked, such as a source it could not read.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
