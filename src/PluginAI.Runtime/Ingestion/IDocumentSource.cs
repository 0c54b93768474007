namespace PluginAI.Runtime.Ingestion;

/// <summary>Where an ingestion takes its documents from: a folder on this disk, an upload, another node.</summary>
/// <remarks>Implementations must allow <see cref="ReadAsync"/> to be called concurrently for different documents.</remarks>
public interface IDocumentSource
{
    /// <summary>Gets a short description of the source for reports and progress, such as a folder path.</summary>
    string Description { get; }

    /// <summary>Lists the documents the source offers now.</summary>
    /// <param name="skipped">Receives what the source itself leaves out, with the reason (unreadable folders, broken links).</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The documents, in a stable order.</returns>
    Task<IReadOnlyList<SourceDocument>> ListAsync(ICollection<SkippedFile> skipped, CancellationToken cancellationToken = default);

    /// <summary>Reads a document's content.</summary>
    /// <param name="document">A document this source listed.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The bytes.</returns>
    Task<ReadOnlyMemory<byte>> ReadAsync(SourceDocument document, CancellationToken cancellationToken = default);

    /// <summary>
    /// Says whether a stored document that this run did not list was removed from this source, so that the knowledge
    /// base should forget it. A source answers <see langword="false"/> for keys it does not own.
    /// </summary>
    /// <param name="key">The key of a stored document that was not listed.</param>
    /// <returns><see langword="true"/> when the document is gone from this source.</returns>
    bool IsRemoved(string key);
}
