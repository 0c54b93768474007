using PluginAI.Runtime.Models;
using PluginAI.Retrieval;

namespace PluginAI.Runtime.Knowledge;

/// <summary>An open knowledge base with the embedding model that fills and queries it.</summary>
public sealed class KnowledgeBaseSession : IAsyncDisposable
{
    internal KnowledgeBaseSession(KnowledgeBaseInfo info, IKnowledgeBase store, ModelLease embedder)
    {
        Info = info;
        Store = store;
        Embedder = embedder;
    }

    /// <summary>Gets what the host records about the knowledge base.</summary>
    public KnowledgeBaseInfo Info { get; }

    /// <summary>Gets the store.</summary>
    public IKnowledgeBase Store { get; }

    /// <summary>Gets the embedding model, taken from the model pool; disposing the session lets go of it.</summary>
    public ModelLease Embedder { get; }

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
