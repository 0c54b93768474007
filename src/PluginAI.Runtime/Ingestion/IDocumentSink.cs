using PluginAI.Processing;
using PluginAI.Retrieval;

namespace PluginAI.Runtime.Ingestion;

/// <summary>Where an ingestion stores parsed, chunked and embedded documents: a local knowledge base, or another node.</summary>
public interface IDocumentSink
{
    /// <summary>Gets the content hash of every stored document, by key, so that unchanged documents are skipped.</summary>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>Content hashes by document key.</returns>
    Task<IReadOnlyDictionary<string, string>> GetStoredHashesAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores a document with its embedded chunks, replacing an earlier version, whole or not at all.</summary>
    /// <param name="document">The document; every chunk carries its embedding.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>A task that completes when the document is durable.</returns>
    Task StoreAsync(DocumentContent document, CancellationToken cancellationToken = default);

    /// <summary>Removes a document.</summary>
    /// <param name="key">The document's key.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns><see langword="true"/> when it was stored.</returns>
    Task<bool> RemoveAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Gets a value indicating whether the sink stores a large document in parts (<see cref="BeginPartialAsync"/>).</summary>
    bool SupportsPartialDocuments => false;

    /// <summary>Claims a document before it is parsed, so that another ingestion into the same place does not do the same work.</summary>
    /// <param name="key">The document's key.</param>
    /// <param name="contentHash">The SHA-256 of its content.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The claim; a sink that is never shared always grants it.</returns>
    Task<DocumentClaim> ClaimAsync(string key, string contentHash, CancellationToken cancellationToken = default) =>
        Task.FromResult(new DocumentClaim(DocumentClaimStatus.Claimed));

    /// <summary>Gives up a claim on a document that will not be stored.</summary>
    /// <param name="key">The document's key.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>A task that completes when the claim is released.</returns>
    Task ReleaseAsync(string key, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>Starts or resumes storing a large document in parts.</summary>
    /// <param name="document">The document; its chunks are not stored by this call.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>How many of its chunks are already kept from an earlier, interrupted run.</returns>
    Task<int> BeginPartialAsync(DocumentContent document, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("This sink does not store documents in parts.");

    /// <summary>Keeps the next embedded chunks of a document begun with <see cref="BeginPartialAsync"/>.</summary>
    /// <param name="document">The document.</param>
    /// <param name="chunks">The next chunks, each with its embedding.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>A task that completes when the chunks are durable.</returns>
    Task AppendPartialAsync(DocumentContent document, IReadOnlyList<DocumentChunk> chunks, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("This sink does not store documents in parts.");

    /// <summary>Replaces the stored document with the parts kept, whole or not at all.</summary>
    /// <param name="document">The document.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>A task that completes when the document is durable.</returns>
    Task CompletePartialAsync(DocumentContent document, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("This sink does not store documents in parts.");
}
