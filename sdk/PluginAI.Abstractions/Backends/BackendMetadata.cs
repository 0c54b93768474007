namespace PluginAI.Backends;

/// <summary>Describes an inference backend.</summary>
/// <param name="Name">The backend name, such as <c>llama.cpp</c>.</param>
public sealed record BackendMetadata(string Name)
{
    /// <summary>Gets the model file formats the backend loads, such as <c>gguf</c> or <c>onnx</c>.</summary>
    public IReadOnlyList<string> Formats { get; init; } = [];

    /// <summary>Gets what loaded models can do.</summary>
    public ModelCapabilities Capabilities { get; init; }

    /// <summary>Gets the devices the backend can run on in this build, such as <c>cpu</c> or <c>cuda</c>.</summary>
    public IReadOnlyList<string> Devices { get; init; } = ["cpu"];
}
