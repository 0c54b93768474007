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

    /// <summary>
    /// Gets the keyword statistics of the whole collection this knowledge base is one part of, or <see langword="null"/>
    /// to score with the knowledge base's own.
    /// </summary>
    /// <remarks>
    /// Keyword scores, and the keyword share of hybrid scores, then mean the same in every part, so results from several
    /// parts merge by score as if one knowledge base held them all. A knowledge base whose
    /// <see cref="IKnowledgeBase.GetKeywordStatisticsAsync"/> returns <see langword="null"/> ignores it.
    /// </remarks>
    public KeywordStatistics? KeywordStatistics { get; init; }
}
