using PluginAI.Hardware;

namespace PluginAI.Manifest;

/// <summary>An accelerator a plugin build needs.</summary>
public sealed record AcceleratorRequirement
{
    /// <summary>Gets the type of device.</summary>
    public required AcceleratorType Type { get; init; }

    /// <summary>Gets the compute API: <c>cuda</c>, <c>rocm</c>, <c>vulkan</c>, <c>metal</c>, <c>directml</c>, <c>openvino</c> or <c>qnn</c>.</summary>
    public required string Api { get; init; }

    /// <summary>Gets the minimum API version, such as <c>12.0</c> for CUDA, or <see langword="null"/>.</summary>
    public SemanticVersion? MinApiVersion { get; init; }

    /// <summary>Gets the minimum dedicated device memory in MiB, or <see langword="null"/>.</summary>
    public long? MinVramMb { get; init; }

    /// <summary>Gets the vendor the device must come from, or <see langword="null"/> for any.</summary>
    public string? Vendor { get; init; }

    /// <summary>The accepted values of <see cref="Api"/>.</summary>
    public static IReadOnlyList<string> KnownApis { get; } = ["cuda", "rocm", "vulkan", "metal", "directml", "openvino", "qnn"];
}
