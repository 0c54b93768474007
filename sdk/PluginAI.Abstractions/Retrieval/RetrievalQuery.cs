namespace PluginAI.Retrieval;

/// <summary>A search of a knowledge base.</summary>
public sealed record RetrievalQuery
{
    /// <summary>Gets the query text, used for keyword search.</summary>
    public required string Text { get; init; }

    /// <summary>Gets the query embedding, used for vector search; empty for keyword search only.</summary>
    public ReadOnlyMemory<float> Embedding { get; init; }

    /// <summary>Gets the number of passages to return.</summary>
    public int Top { get; init; } = 5;

    /// <summary>Gets how to rank.</summary>
    public SearchMode Mode { get; init; } = SearchMode.Hybrid;

    /// <summary>Gets a glob the source path must match, such as <c>docs/**/*.md</c>, or <see langword="null"/>.</summary>
    /// <remarks>
    /// Its syntax is that of <see cref="PluginAI.Retrieval.PathGlob"/>; a knowledge base filters with
    /// <c>PathGlob.Parse(query.PathGlob).IsMatch(sourcePath)</c>, so every retriever selects the same documents.
    /// </remarks>
    public string? PathGlob { get; init; }

    /// <summary>Gets the media types to search; empty means all.</summary>
    public IReadOnlyList<string> MediaTypes { get; init; } = [];
}
