using PluginAI.Processing;
using PluginAI.Retrieval;

namespace PluginAI.Host.Internal;

internal sealed class GuardedRetriever(IRetriever inner, PluginGuard guard) : IRetriever
{
    public RetrieverMetadata Metadata => guard.Run("IRetriever.Metadata", () => inner.Metadata);

    public async Task<IKnowledgeBase> OpenAsync(KnowledgeBaseOptions options, CancellationToken cancellationToken = default)
    {
        var knowledgeBase = await guard.RunAsync("IRetriever.OpenAsync", () => inner.OpenAsync(options, cancellationToken), cancellationToken).ConfigureAwait(false);
        return knowledgeBase is ISharedKnowledgeBase
            ? new GuardedSharedKnowledgeBase(knowledgeBase, guard)
            : new GuardedKnowledgeBase(knowledgeBase, guard);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

    private class GuardedKnowledgeBase(IKnowledgeBase inner, PluginGuard guard) : IKnowledgeBase
    {
        public string Name => inner.Name;

        protected IKnowledgeBase Inner => inner;

        protected PluginGuard Guard => guard;

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

        public Task<KeywordStatistics?> GetKeywordStatisticsAsync(string text, CancellationToken cancellationToken = default) =>
            guard.RunAsync("IKnowledgeBase.GetKeywordStatisticsAsync", () => inner.GetKeywordStatisticsAsync(text, cancellationToken), cancellationToken);

        public ValueTask DisposeAsync() =>
            new(guard.RunAsync("IKnowledgeBase.DisposeAsync", () => inner.DisposeAsync().AsTask(), CancellationToken.None));
    }

    private sealed class GuardedSharedKnowledgeBase(IKnowledgeBase knowledgeBase, PluginGuard pluginGuard) : GuardedKnowledgeBase(knowledgeBase, pluginGuard), ISharedKnowledgeBase
    {
        private ISharedKnowledgeBase Shared => (ISharedKnowledgeBase)Inner;

        public Task<DocumentClaim> ClaimDocumentAsync(string sourcePath, string contentHash, CancellationToken cancellationToken = default) =>
            Guard.RunAsync("ISharedKnowledgeBase.ClaimDocumentAsync", () => Shared.ClaimDocumentAsync(sourcePath, contentHash, cancellationToken), cancellationToken);

        public Task ReleaseDocumentAsync(string sourcePath, CancellationToken cancellationToken = default) =>
            Guard.RunAsync("ISharedKnowledgeBase.ReleaseDocumentAsync", () => Shared.ReleaseDocumentAsync(sourcePath, cancellationToken), cancellationToken);

        public Task<int> BeginPartialDocumentAsync(DocumentContent document, CancellationToken cancellationToken = default) =>
            Guard.RunAsync("ISharedKnowledgeBase.BeginPartialDocumentAsync", () => Shared.BeginPartialDocumentAsync(document, cancellationToken), cancellationToken);

        public Task AppendPartialChunksAsync(string sourcePath, string contentHash, IReadOnlyList<DocumentChunk> chunks, CancellationToken cancellationToken = default) =>
            Guard.RunAsync("ISharedKnowledgeBase.AppendPartialChunksAsync", () => Shared.AppendPartialChunksAsync(sourcePath, contentHash, chunks, cancellationToken), cancellationToken);

        public Task<int> CompletePartialDocumentAsync(string sourcePath, string contentHash, CancellationToken cancellationToken = default) =>
            Guard.RunAsync("ISharedKnowledgeBase.CompletePartialDocumentAsync", () => Shared.CompletePartialDocumentAsync(sourcePath, contentHash, cancellationToken), cancellationToken);
    }
}
