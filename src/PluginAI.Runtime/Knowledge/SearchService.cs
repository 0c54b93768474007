using Microsoft.Extensions.AI;
using PluginAI.Retrieval;

namespace PluginAI.Runtime.Knowledge;

/// <summary>The search use case: ranked passages from a knowledge base.</summary>
public sealed class SearchService(KnowledgeBaseService knowledgeBases)
{
    /// <summary>Searches a knowledge base.</summary>
    /// <param name="request">The query and filters.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The passages, best first.</returns>
    /// <exception cref="PluginException">The knowledge base does not exist.</exception>
    public async Task<IReadOnlyList<RetrievedPassage>> SearchAsync(SearchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var session = await knowledgeBases.OpenAsync(request.KnowledgeBase, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await SearchSessionAsync(session, request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Searches a knowledge base that is already open.</summary>
    /// <param name="session">The open knowledge base; <see cref="SearchRequest.KnowledgeBase"/> is ignored.</param>
    /// <param name="request">The query and filters.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The passages, best first.</returns>
    public static async Task<IReadOnlyList<RetrievedPassage>> SearchSessionAsync(KnowledgeBaseSession session, SearchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Query);
        var embedding = request.Mode == SearchMode.Keyword
            ? ReadOnlyMemory<float>.Empty
            : (await session.Embedder.Model.EmbeddingGenerator!.GenerateAsync([request.Query], cancellationToken: cancellationToken).ConfigureAwait(false))[0].Vector;
        return await session.Store.SearchAsync(
            new RetrievalQuery { Text = request.Query, Embedding = embedding, Top = request.Top, Mode = request.Mode, PathGlob = request.PathGlob, MediaTypes = request.MediaTypes },
            cancellationToken).ConfigureAwait(false);
    }
}
