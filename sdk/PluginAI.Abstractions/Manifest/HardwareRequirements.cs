namespace PluginAI.Manifest;

/// <summary>What a plugin build needs of the machine. Every listed condition must hold.</summary>
public sealed record HardwareRequirements
{
    /// <summary>Gets requirements that every machine meets.</summary>
    public static HardwareRequirements None { get; } = new();

    /// <summary>Gets the runtime identifiers the build runs on, such as <c>linux-x64</c>; empty means any.</summary>
    public IReadOnlyList<string> RuntimeIdentifiers { get; init; } = [];

    /// <summary>Gets the CPU instruction sets the build needs, such as <c>avx2</c> and <c>fma</c>.</summary>
    public IReadOnlyList<string> InstructionSets { get; init; } = [];

    /// <summary>Gets the minimum physical memory in MiB, or <see langword="null"/>.</summary>
    public long? MinRamMb { get; init; }

    /// <summary>Gets the accelerators the build needs.</summary>
    public IReadOnlyList<AcceleratorRequirement> Accelerators { get; init; } = [];

    /// <summary>Gets a value indicating whether no condition is set.</summary>
    public bool IsEmpty => RuntimeIdentifiers.Count == 0 && InstructionSets.Count == 0 && MinRamMb is null && Accelerators.Count == 0;
}
