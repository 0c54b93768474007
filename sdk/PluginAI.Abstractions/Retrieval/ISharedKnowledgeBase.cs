using PluginAI.Processing;

namespace PluginAI.Retrieval;

/// <summary>
/// Optional members of an <see cref="IKnowledgeBase"/> that several ingestions (processes, or a server and a command
/// line) fill at the same time, and that stores a large document in parts.
/// </summary>
/// <remarks>
/// <para>
/// <b>Claims.</b> An ingestion claims a document before it parses it; the claim names this instance and lasts while
/// the instance lives (an implementation renews it, and treats a claim whose holder is gone as free). A second
/// ingestion that finds the claim held waits for it instead of doing the same work again. Storing the document, by
/// <see cref="IKnowledgeBase.UpsertDocumentAsync"/> or <see cref="CompletePartialDocumentAsync"/>, ends the claim.
/// </para>
/// <para>
/// <b>Parts.</b> A large document is written in parts: <see cref="BeginPartialDocumentAsync"/>, then
/// <see cref="AppendPartialChunksAsync"/> for each batch of embedded chunks (each durable on return), then
/// <see cref="CompletePartialDocumentAsync"/>, which replaces the stored version in one transaction. Until then searches
/// see the previous version. After a crash, beginning the same document with the same content hash again returns how
/// many chunks are already kept, so the work continues where it stopped.
/// </para>
/// </remarks>
public interface ISharedKnowledgeBase
{
    /// <summary>Claims a document for this instance before it is parsed.</summary>
    /// <param name="sourcePath">The document's source path.</param>
    /// <param name="contentHash">The SHA-256 of the content about to be parsed.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>Whether this instance holds the claim, another holds it, or the same content is already stored.</returns>
    Task<DocumentClaim> ClaimDocumentAsync(string sourcePath, string contentHash, CancellationToken cancellationToken = default);

    /// <summary>Gives up this instance's claim on a document that it will not store (it could not be parsed, say).</summary>
    /// <param name="sourcePath">The document's source path.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>A task that completes when the claim is released.</returns>
    Task ReleaseDocumentAsync(string sourcePath, CancellationToken cancellationToken = default);

    /// <summary>Starts, or resumes, writing a document in parts.</summary>
    /// <param name="document">The document's path, media type, content hash, title and time; its chunks are ignored.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>How many chunks (indexes 0 to n-1) are already kept for this path and content hash.</returns>
    Task<int> BeginPartialDocumentAsync(DocumentContent document, CancellationToken cancellationToken = default);

    /// <summary>Keeps a batch of embedded chunks of a document begun with <see cref="BeginPartialDocumentAsync"/>.</summary>
    /// <param name="sourcePath">The document's source path.</param>
    /// <param name="contentHash">The content hash it was begun with.</param>
    /// <param name="chunks">The next chunks, in index order, each with its embedding.</param>
    /// <param name="cancellationToken">A token to cancel; a cancelled batch is not kept.</param>
    /// <returns>A task that completes when the batch is durable.</returns>
    Task AppendPartialChunksAsync(string sourcePath, string contentHash, IReadOnlyList<DocumentChunk> chunks, CancellationToken cancellationToken = default);

    /// <summary>Replaces the stored document with the parts kept, in one transaction, and ends the claim.</summary>
    /// <param name="sourcePath">The document's source path.</param>
    /// <param name="contentHash">The content hash it was begun with.</param>
    /// <param name="cancellationToken">A token to cancel; a cancelled completion leaves the stored document and the parts as they were.</param>
    /// <returns>The number of chunks stored.</returns>
    Task<int> CompletePartialDocumentAsync(string sourcePath, string contentHash, CancellationToken cancellationToken = default);
}
