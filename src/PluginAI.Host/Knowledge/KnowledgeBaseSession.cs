using PluginAI.Host.Models;
using PluginAI.Retrieval;

namespace PluginAI.Host.Knowledge;

/// <summary>An open knowledge base with the embedding model that fills and queries it.</summary>
public sealed class KnowledgeBaseSession : IAsyncDisposable
{
    internal KnowledgeBaseSession(KnowledgeBaseInfo info, IKnowledgeBase store, ModelSession embedder)
    {
        Info = info;
        Store = store;
        Embedder = embedder;
    }

    /// <summary>Gets what the host records about the knowledge base.</summary>
    public KnowledgeBaseInfo Info { get; }

    /// <summary>Gets the store.</summary>
    public IKnowledgeBase Store { get; }

    /// <summary>Gets the embedding model.</summary>
    public ModelSession Embedder { get; }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Store.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await Embedder.DisposeAsync().ConfigureAwait(false);
        }
    }
}
