namespace PluginAI.Retrieval;

/// <summary>Which knowledge base to open, and where.</summary>
public sealed record KnowledgeBaseOptions
{
    /// <summary>Gets the name of the knowledge base.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the folder the knowledge base keeps its files in.</summary>
    public required string Directory { get; init; }

    /// <summary>Gets the dimension of the embeddings it stores.</summary>
    public required int EmbeddingDimensions { get; init; }

    /// <summary>Gets the id of the embedding model; a knowledge base refuses vectors from another model.</summary>
    public required string EmbeddingModelId { get; init; }
}
