namespace PluginAI.Retrieval;

/// <summary>A document stored in a knowledge base.</summary>
public sealed record KnowledgeDocumentInfo
{
    /// <summary>Gets the source path.</summary>
    public required string SourcePath { get; init; }

    /// <summary>Gets the media type.</summary>
    public required string MediaType { get; init; }

    /// <summary>Gets the SHA-256 of the content that was indexed, in lower-case hex.</summary>
    public required string ContentHash { get; init; }

    /// <summary>Gets the number of chunks stored.</summary>
    public int ChunkCount { get; init; }

    /// <summary>Gets when the document was indexed.</summary>
    public DateTimeOffset IndexedAt { get; init; }
}
