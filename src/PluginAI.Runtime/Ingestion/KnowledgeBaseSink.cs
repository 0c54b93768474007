using PluginAI.Processing;
using PluginAI.Retrieval;

namespace PluginAI.Runtime.Ingestion;

/// <summary>Stores documents in a knowledge base on this machine.</summary>
/// <param name="store">The open knowledge base.</param>
public sealed class KnowledgeBaseSink(IKnowledgeBase store) : IDocumentSink
{
    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, string>> GetStoredHashesAsync(CancellationToken cancellationToken = default)
    {
        var stored = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var document in store.ListDocumentsAsync(cancellationToken).ConfigureAwait(false))
        {
            stored[document.SourcePath] = document.ContentHash;
        }

        return stored;
    }

    /// <inheritdoc />
    public Task StoreAsync(DocumentContent document, CancellationToken cancellationToken = default) => store.UpsertDocumentAsync(document, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RemoveAsync(string key, CancellationToken cancellationToken = default) => store.RemoveDocumentAsync(key, cancellationToken);

    /// <inheritdoc />
    public bool SupportsPartialDocuments => store is ISharedKnowledgeBase;

    /// <inheritdoc />
    public Task<DocumentClaim> ClaimAsync(string key, string contentHash, CancellationToken cancellationToken = default) =>
        store is ISharedKnowledgeBase shared
            ? shared.ClaimDocumentAsync(key, contentHash, cancellationToken)
            : Task.FromResult(new DocumentClaim(DocumentClaimStatus.Claimed));

    /// <inheritdoc />
    public Task ReleaseAsync(string key, CancellationToken cancellationToken = default) =>
        store is ISharedKnowledgeBase shared ? shared.ReleaseDocumentAsync(key, cancellationToken) : Task.CompletedTask;

    /// <inheritdoc />
    public Task<int> BeginPartialAsync(DocumentContent document, CancellationToken cancellationToken = default) =>
        Shared.BeginPartialDocumentAsync(document, cancellationToken);

    /// <inheritdoc />
    public Task AppendPartialAsync(DocumentContent document, IReadOnlyList<DocumentChunk> chunks, CancellationToken cancellationToken = default) =>
        Shared.AppendPartialChunksAsync(document.SourcePath, document.ContentHash!, chunks, cancellationToken);

    /// <inheritdoc />
    public Task CompletePartialAsync(DocumentContent document, CancellationToken cancellationToken = default) =>
        Shared.CompletePartialDocumentAsync(document.SourcePath, document.ContentHash!, cancellationToken);

    private ISharedKnowledgeBase Shared => store as ISharedKnowledgeBase
        ?? throw new NotSupportedException($"Knowledge base '{store.Name}' does not store documents in parts.");
}
