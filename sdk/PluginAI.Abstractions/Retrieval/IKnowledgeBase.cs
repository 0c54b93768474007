using PluginAI.Processing;

namespace PluginAI.Retrieval;

/// <summary>A searchable store of document chunks with their embeddings.</summary>
/// <remarks>
/// Writes are transactional per document: after a crash a document is either wholly present in its old or its new form.
/// Searches may run concurrently with each other and with writes.
/// <para>
/// A search returns at most <see cref="RetrievalQuery.Top"/> passages, best first (by descending
/// <see cref="RetrievedPassage.Score"/>), and only passages of documents that match the query's
/// <see cref="RetrievalQuery.PathGlob"/> and <see cref="RetrievalQuery.MediaTypes"/>. A call whose cancellation token is
/// already cancelled throws <see cref="OperationCanceledException"/>. After the knowledge base is disposed its members
/// throw <see cref="ObjectDisposedException"/>; disposing it again does nothing.
/// </para>
/// </remarks>
public interface IKnowledgeBase : IAsyncDisposable
{
    /// <summary>Gets the name of the knowledge base.</summary>
    string Name { get; }

    /// <summary>Adds a document or replaces the stored document with the same source path, with all its chunks, in one transaction.</summary>
    /// <param name="document">The document, with chunks that carry embeddings.</param>
    /// <param name="cancellationToken">A token to cancel the write; a cancelled write leaves the stored document as it was.</param>
    /// <returns>A task that completes when the document is durable.</returns>
    Task UpsertDocumentAsync(DocumentContent document, CancellationToken cancellationToken = default);

    /// <summary>Removes a document and its chunks.</summary>
    /// <param name="sourcePath">The source path of the document.</param>
    /// <param name="cancellationToken">A token to cancel the removal.</param>
    /// <returns><see langword="true"/> when a document was removed.</returns>
    Task<bool> RemoveDocumentAsync(string sourcePath, CancellationToken cancellationToken = default);

    /// <summary>Lists the stored documents.</summary>
    /// <param name="cancellationToken">A token to cancel the listing.</param>
    /// <returns>The documents, ordered by source path.</returns>
    IAsyncEnumerable<KnowledgeDocumentInfo> ListDocumentsAsync(CancellationToken cancellationToken = default);

    /// <summary>Searches the knowledge base.</summary>
    /// <param name="query">The query text, its embedding, and filters.</param>
    /// <param name="cancellationToken">A token to cancel the search.</param>
    /// <returns>The best passages, best first.</returns>
    Task<IReadOnlyList<RetrievedPassage>> SearchAsync(RetrievalQuery query, CancellationToken cancellationToken = default);

    /// <summary>Gets counts and sizes.</summary>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>The statistics.</returns>
    Task<KnowledgeBaseStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Gets this knowledge base's keyword statistics for a query, so that a caller searching several knowledge bases as
    /// parts of one collection can add them up (<see cref="KeywordStatistics.Sum"/>) and pass the sum back in
    /// <see cref="RetrievalQuery.KeywordStatistics"/>.
    /// </summary>
    /// <param name="text">The query text.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>The statistics, or <see langword="null"/> when the knowledge base cannot score with a collection's.</returns>
    Task<KeywordStatistics?> GetKeywordStatisticsAsync(string text, CancellationToken cancellationToken = default) =>
        Task.FromResult<KeywordStatistics?>(null);
}
