namespace PluginAI.Backends;

/// <summary>Describes a loaded model.</summary>
public sealed record ModelMetadata
{
    /// <summary>Gets the model id, such as the file name without extension or the registered name.</summary>
    public required string ModelId { get; init; }

    /// <summary>Gets the model file.</summary>
    public required string ModelPath { get; init; }

    /// <summary>Gets the architecture, such as <c>llama</c> or <c>bert</c>.</summary>
    public string? Architecture { get; init; }

    /// <summary>Gets what the model can do.</summary>
    public ModelCapabilities Capabilities { get; init; }

    /// <summary>Gets the context size in tokens the model was loaded with.</summary>
    public int ContextSize { get; init; }

    /// <summary>Gets the embedding dimension, or 0 when the model does not embed.</summary>
    public int EmbeddingDimensions { get; init; }

    /// <summary>Gets the plan the model was loaded with.</summary>
    public DevicePlan? Plan { get; init; }
}
