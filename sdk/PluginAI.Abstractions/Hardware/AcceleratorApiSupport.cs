namespace PluginAI.Hardware;

/// <summary>A compute API a device offers, with its version when known.</summary>
/// <param name="Api">The API in lower case: <c>cuda</c>, <c>rocm</c>, <c>vulkan</c>, <c>metal</c>, <c>directml</c>, <c>openvino</c> or <c>qnn</c>.</param>
/// <param name="Version">The version, such as <c>12.4</c>, or <see langword="null"/> when unknown.</param>
public sealed record AcceleratorApiSupport(string Api, string? Version = null)
{
    /// <inheritdoc />
    public override string ToString() => Version is null ? Api : $"{Api} {Version}";
}
