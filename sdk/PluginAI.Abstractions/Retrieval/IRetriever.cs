namespace PluginAI.Retrieval;

/// <summary>A retriever: opens knowledge bases that store document chunks with embeddings and search them.</summary>
/// <remarks>Registered as a singleton; <see cref="OpenAsync"/> may be called from several threads.</remarks>
public interface IRetriever
{
    /// <summary>Gets what the retriever is.</summary>
    RetrieverMetadata Metadata { get; }

    /// <summary>Opens a knowledge base, creating it when it does not exist.</summary>
    /// <param name="options">Which knowledge base, where, and for which embedding model.</param>
    /// <param name="cancellationToken">A token to cancel the open.</param>
    /// <returns>The knowledge base; dispose it to close its files.</returns>
    Task<IKnowledgeBase> OpenAsync(KnowledgeBaseOptions options, CancellationToken cancellationToken = default);

    /// <summary>Gets a service the retriever offers beyond this interface, or <see langword="null"/>.</summary>
    /// <param name="serviceType">The type of service.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <returns>The service, or <see langword="null"/>.</returns>
    object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType?.IsInstanceOfType(this) == true ? this : null;
}
