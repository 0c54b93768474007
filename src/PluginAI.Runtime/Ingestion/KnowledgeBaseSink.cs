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
}
