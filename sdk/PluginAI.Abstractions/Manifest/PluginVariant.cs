namespace PluginAI.Manifest;

/// <summary>An alternative build of a plugin for specific hardware, such as a CUDA build of a backend.</summary>
/// <remarks>The host takes the first variant, in manifest order, whose requirements this machine meets, and the base build otherwise.</remarks>
public sealed record PluginVariant
{
    /// <summary>Gets the variant name, such as <c>cuda12</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Gets what the variant needs of the machine.</summary>
    public HardwareRequirements Requirements { get; init; } = HardwareRequirements.None;

    /// <summary>Gets the sub-folder holding the variant's files, relative to the plugin folder, or <see langword="null"/> when it shares the base files.</summary>
    public string? Path { get; init; }

    /// <summary>Gets the entry point of the variant, or <see langword="null"/> to use the manifest's.</summary>
    public PluginEntryPoint? Entry { get; init; }
}
