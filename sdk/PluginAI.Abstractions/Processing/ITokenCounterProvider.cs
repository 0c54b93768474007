namespace PluginAI.Processing;

/// <summary>
/// Finds the token counter of a model by its id, so that a chunker can measure its budget in the embedding model's
/// tokens (<see cref="DocumentContent.EmbeddingModelId"/>). The host registers one in every plugin's services.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public interface ITokenCounterProvider
{
    /// <summary>Gets the token counter of a loaded model.</summary>
    /// <param name="modelId">The model's id (<see cref="Backends.ModelMetadata.ModelId"/>).</param>
    /// <returns>The counter, or <see langword="null"/> when the model is not loaded or counts no tokens.</returns>
    ITokenCounter? GetTokenCounter(string modelId);
}
