namespace PluginAI.Runtime.Models;

/// <summary>Embeddings of texts, with the model that made them.</summary>
/// <param name="ModelId">The model's id.</param>
/// <param name="Dimensions">The vector length.</param>
/// <param name="Device">Where it ran.</param>
/// <param name="Vectors">One vector per text, in order.</param>
public sealed record EmbeddingResult(string ModelId, int Dimensions, string Device, IReadOnlyList<ReadOnlyMemory<float>> Vectors)
{
    /// <summary>Gets the number of input tokens the model read, when the backend reports it.</summary>
    public long? InputTokenCount { get; init; }
}
