using PluginAI.Processing;

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
}
