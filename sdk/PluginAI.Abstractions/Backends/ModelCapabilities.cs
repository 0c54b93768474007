namespace PluginAI.Backends;

/// <summary>What a model can do.</summary>
[Flags]
public enum ModelCapabilities
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Generates text through <see cref="Microsoft.Extensions.AI.IChatClient"/>.</summary>
    Chat = 1,

    /// <summary>Computes embeddings through <see cref="Microsoft.Extensions.AI.IEmbeddingGenerator{TInput, TEmbedding}"/>.</summary>
    Embeddings = 2,

    /// <summary>Produces the same output for the same seed and input.</summary>
    SeedDeterminism = 4,
}
