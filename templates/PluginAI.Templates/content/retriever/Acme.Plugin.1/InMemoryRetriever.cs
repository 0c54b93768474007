using PluginAI.Retrieval;

namespace Acme.Plugin._1;

/// <summary>
/// Opens in-memory knowledge bases: every chunk is held in memory and searched exactly (cosine similarity, keyword
/// overlap, or both), and each knowledge base is saved to <c>&lt;name&gt;.kb.json</c> in its folder after every write.
/// Fits knowledge bases up to some tens of thousands of chunks.
/// </summary>
public sealed class InMemoryRetriever : IRetriever
{
    /// <inheritdoc />
    public RetrieverMetadata Metadata { get; } = new("in-memory") { Modes = [SearchMode.Hybrid, SearchMode.Vector, SearchMode.Keyword] };

    /// <inheritdoc />
    public async Task<IKnowledgeBase> OpenAsync(KnowledgeBaseOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        return await InMemoryKnowledgeBase.OpenAsync(options, cancellationToken).ConfigureAwait(false);
    }
}
