namespace PluginAI.Retrieval;

/// <summary>Counts and sizes of a knowledge base.</summary>
public sealed record KnowledgeBaseStatistics
{
    /// <summary>Gets the number of documents.</summary>
    public long Documents { get; init; }

    /// <summary>Gets the number of chunks.</summary>
    public long Chunks { get; init; }

    /// <summary>Gets the bytes the knowledge base occupies on disk.</summary>
    public long SizeBytes { get; init; }

    /// <summary>Gets the embedding dimension.</summary>
    public int EmbeddingDimensions { get; init; }

    /// <summary>Gets the embedding model id.</summary>
    public string? EmbeddingModelId { get; init; }

    /// <summary>Gets the kind of vector index in use, such as <c>exact</c> or <c>hnsw</c>.</summary>
    public string? VectorIndex { get; init; }
}
