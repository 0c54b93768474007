namespace PluginAI.Hardware;

/// <summary>The CPU: model, core counts and instruction sets.</summary>
public sealed record CpuInfo
{
    /// <summary>Gets the CPU model name, or <c>unknown</c>.</summary>
    public string ModelName { get; init; } = "unknown";

    /// <summary>Gets the CPU vendor, such as <c>GenuineIntel</c>, <c>AuthenticAMD</c> or <c>ARM</c>.</summary>
    public string Vendor { get; init; } = "unknown";

    /// <summary>Gets the number of physical cores available to this process.</summary>
    public required int PhysicalCores { get; init; }

    /// <summary>Gets the number of logical processors available to this process.</summary>
    public required int LogicalCores { get; init; }

    /// <summary>
    /// Gets the instruction sets the CPU supports and the runtime can use, in lower case as the manifest names them:
    /// <c>sse4.2</c>, <c>avx</c>, <c>avx2</c>, <c>fma</c>, <c>f16c</c>, <c>avx512f</c>, <c>avx512bw</c>, <c>avxvnni</c>,
    /// <c>neon</c>, <c>dotprod</c>, <c>sve</c>.
    /// </summary>
    public IReadOnlyList<string> InstructionSets { get; init; } = [];

    /// <summary>Returns whether the CPU supports an instruction set, by its manifest name (case-insensitive).</summary>
    /// <param name="name">The instruction set name, such as <c>avx2</c>.</param>
    /// <returns><see langword="true"/> when the instruction set is supported.</returns>
    public bool Supports(string name) => InstructionSets.Contains(name, StringComparer.OrdinalIgnoreCase);
}
