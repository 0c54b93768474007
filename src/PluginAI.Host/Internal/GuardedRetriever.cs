using PluginAI.Processing;
using PluginAI.Retrieval;

namespace PluginAI.Host.Internal;

internal sealed class GuardedRetriever(IRetriever inner, PluginGuard guard) : IRetriever
{
    public RetrieverMetadata Metadata => guard.Run("IRetriever.Metadata", () => inner.Metadata);

    public async Task<IKnowledgeBase> OpenAsync(KnowledgeBaseOptions options, CancellationToken cancellationToken = default)
    {
        var knowledgeBase = await guard.RunAsync("IRetriever.OpenAsync", () => inner.OpenAsync(options, cancellationToken), cancellationToken).ConfigureAwait(false);
        return new GuardedKnowledgeBase(knowledgeBase, guard);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

    private sealed class GuardedKnowledgeBase(IKnowledgeBase inner, PluginGuard guard) : IKnowledgeBase
    {
        public string Name => inner.Name;

        public Task UpsertDocumentAsync(DocumentContent document, CancellationToken cancellationToken = default) =>
            guard.RunAsync("IKnowledgeBase.UpsertDocumentAsync", () => inner.UpsertDocumentAsync(document, cancellationToken), cancellationToken);

        public Task<bool> RemoveDocumentAsync(string sourcePath, CancellationToken cancellationToken = default) =>
            guard.RunAsync("IKnowledgeBase.RemoveDocumentAsync", () => inner.RemoveDocumentAsync(sourcePath, cancellationToken), cancellationToken);

        public IAsyncEnumerable<KnowledgeDocumentInfo> ListDocumentsAsync(CancellationToken cancellationToken = default) =>
            guard.StreamAsync("IKnowledgeBase.ListDocumentsAsync", inner.ListDocumentsAsync, cancellationToken);

        public Task<IReadOnlyList<RetrievedPassage>> SearchAsync(RetrievalQuery query, CancellationToken cancellationToken = default) =>
            guard.RunAsync("IKnowledgeBase.SearchAsync", () => inner.SearchAsync(query, cancellationToken), cancellationToken);

        public Task<KnowledgeBaseStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default) =>
            guard.RunAsync("IKnowledgeBase.GetStatisticsAsync", () => inner.GetStatisticsAsync(cancellationToken), cancellationToken);

        public ValueTask DisposeAsync() =>
            new(guard.RunAsync("IKnowledgeBase.DisposeAsync", () => inner.DisposeAsync().AsTask(), CancellationToken.None));
    }
}
