namespace PluginAI.Processing;

/// <summary>A piece of a document small enough to embed and retrieve, with where it came from.</summary>
public sealed record DocumentChunk
{
    /// <summary>Gets the 0-based position of the chunk in its document.</summary>
    public required int Index { get; init; }

    /// <summary>Gets the text.</summary>
    public required string Text { get; init; }

    /// <summary>Gets the 1-based page number, for paged formats.</summary>
    public int? Page { get; init; }

    /// <summary>Gets the heading path of the section the chunk belongs to.</summary>
    public string? Section { get; init; }

    /// <summary>Gets the offset of the chunk's first character in the document's extracted text.</summary>
    public int StartOffset { get; init; }

    /// <summary>Gets the offset just past the chunk's last character.</summary>
    public int EndOffset { get; init; }

    /// <summary>
    /// Gets the text to embed when it differs from <see cref="Text"/>, or <see langword="null"/> to embed
    /// <see cref="Text"/>. The first-party chunker puts the document's title and the chunk's own section heading before the
    /// text, so that a question that names what a document is about finds its passages; <see cref="Text"/> stays the
    /// document's own words, which is what is stored, shown and cited. It fits the embedding model's window, as
    /// <see cref="Text"/> does.
    /// </summary>
    public string? EmbeddingText { get; init; }

    /// <summary>Gets the number of tokens of the embedding model in the chunk, when known.</summary>
    public int TokenCount { get; init; }

    /// <summary>Gets the embedding, once computed; empty before.</summary>
    public ReadOnlyMemory<float> Embedding { get; init; }
}
