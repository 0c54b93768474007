namespace PluginAI.Backends;

/// <summary>A request to load a model.</summary>
public sealed record ModelLoadRequest
{
    /// <summary>Gets the model file.</summary>
    public required string ModelPath { get; init; }

    /// <summary>Gets the name the model is known by, such as a name registered with <c>pluginai models add</c>.</summary>
    public string? ModelName { get; init; }

    /// <summary>Gets how to place the model on the devices; <see langword="null"/> lets the backend decide.</summary>
    public DevicePlan? Plan { get; init; }

    /// <summary>Gets the capabilities the caller needs; the backend may skip preparing the others.</summary>
    public ModelCapabilities Capabilities { get; init; } = ModelCapabilities.Chat | ModelCapabilities.Embeddings;

    /// <summary>Gets a folder where the backend may cache derived files, such as optimised graphs.</summary>
    public string? CacheDirectory { get; init; }
}
