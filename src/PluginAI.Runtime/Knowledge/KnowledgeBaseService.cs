using Microsoft.Extensions.Options;
using PluginAI.Retrieval;
using PluginAI.Runtime.Models;

namespace PluginAI.Runtime.Knowledge;

/// <summary>The knowledge-base management use case: list, open, inspect and remove the knowledge bases of the home.</summary>
public sealed class KnowledgeBaseService
{
    /// <summary>The knowledge base used when none is named.</summary>
    public const string DefaultName = KnowledgeBaseCatalog.DefaultName;

    private readonly PluginHostProvider _hosts;
    private readonly ModelPool _pool;
    private readonly PluginAIOptions _options;

    /// <summary>Initializes a new instance of the <see cref="KnowledgeBaseService"/> class.</summary>
    /// <param name="hosts">The host with the retriever plugins.</param>
    /// <param name="pool">Where embedding models come from.</param>
    /// <param name="options">The default embedding model.</param>
    public KnowledgeBaseService(PluginHostProvider hosts, ModelPool pool, IOptions<PluginAIOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _hosts = hosts;
        _pool = pool;
        _options = options.Value;
    }

    /// <summary>Lists the knowledge bases.</summary>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The knowledge bases, by name.</returns>
    public async Task<IReadOnlyList<KnowledgeBaseInfo>> ListAsync(CancellationToken cancellationToken = default) =>
        (await CatalogAsync(cancellationToken).ConfigureAwait(false)).List();

    /// <summary>Opens a knowledge base with its embedding model, taken from the model pool.</summary>
    /// <param name="name">The name.</param>
    /// <param name="create">Whether to create it when it does not exist.</param>
    /// <param name="embeddingModel">The embedding model for a new knowledge base; an existing one keeps its own.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The open knowledge base; dispose it when done.</returns>
    /// <exception cref="PluginException">It does not exist (and <paramref name="create"/> is false), or no retriever is loaded.</exception>
    public async Task<KnowledgeBaseSession> OpenAsync(string name, bool create = false, string? embeddingModel = null, CancellationToken cancellationToken = default) =>
        await (await CatalogAsync(cancellationToken).ConfigureAwait(false)).OpenAsync(name, create, embeddingModel, cancellationToken).ConfigureAwait(false);

    /// <summary>Gets a knowledge base's record and the store's counts and sizes.</summary>
    /// <param name="name">The name.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The record and statistics.</returns>
    public async Task<(KnowledgeBaseInfo Info, KnowledgeBaseStatistics Statistics)> GetStatisticsAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var session = await OpenAsync(name, create: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        return (session.Info, await session.Store.GetStatisticsAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Deletes a knowledge base and its files (the documents themselves are kept).</summary>
    /// <param name="name">The name.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns><see langword="true"/> when it existed.</returns>
    public async Task<bool> RemoveAsync(string name, CancellationToken cancellationToken = default) =>
        (await CatalogAsync(cancellationToken).ConfigureAwait(false)).Remove(name);

    internal async Task<KnowledgeBaseCatalog> CatalogAsync(CancellationToken cancellationToken) =>
        new(await _hosts.GetAsync(cancellationToken).ConfigureAwait(false), _pool, _options.DefaultEmbeddingModel);
}
