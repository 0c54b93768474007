namespace PluginAI.Processing;

/// <summary>A document on its way through the preprocessors: raw bytes, then text sections, then chunks.</summary>
/// <remarks>Immutable; preprocessors return a modified copy made with a <c>with</c> expression.</remarks>
public sealed record DocumentContent
{
    /// <summary>Gets the path of the source file, as the user knows it.</summary>
    public required string SourcePath { get; init; }

    /// <summary>Gets the media type, such as <c>text/markdown</c>, detected from content and extension.</summary>
    public required string MediaType { get; init; }

    /// <summary>Gets the raw content of the file.</summary>
    public ReadOnlyMemory<byte> Content { get; init; }

    /// <summary>Gets the SHA-256 of <see cref="Content"/> in lower-case hex.</summary>
    public string? ContentHash { get; init; }

    /// <summary>Gets the last write time of the source file.</summary>
    public DateTimeOffset LastModified { get; init; }

    /// <summary>Gets the title, when the format has one.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the text sections a parser extracted, in document order.</summary>
    public IReadOnlyList<DocumentSection> Sections { get; init; } = [];

    /// <summary>
    /// Gets the id of the embedding model the chunks are made for, so that chunkers measure their budget in its tokens
    /// (through <see cref="ITokenCounterProvider"/>); <see langword="null"/> when unknown.
    /// </summary>
    public string? EmbeddingModelId { get; init; }

    /// <summary>Gets the chunks a chunker cut, in document order; each may carry its embedding.</summary>
    public IReadOnlyList<DocumentChunk> Chunks { get; init; } = [];
}
