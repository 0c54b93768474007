using Microsoft.Extensions.AI;
using PluginAI.Runtime.Knowledge;
using PluginAI.Runtime.Models;

namespace PluginAI.Runtime.Ingestion;

/// <summary>The ingest use case: documents from a source, parsed, chunked, embedded and stored in a knowledge base.</summary>
public sealed class IngestionService(PluginHostProvider hosts, KnowledgeBaseService knowledgeBases)
{
    /// <summary>Ingests a folder of this disk; unchanged files are skipped and deleted ones removed.</summary>
    /// <param name="options">The folder, its globs, the knowledge base and the limits.</param>
    /// <param name="progress">Receives an event per document.</param>
    /// <param name="cancellationToken">A token to stop; what was stored stays stored.</param>
    /// <returns>What was done.</returns>
    /// <exception cref="PluginException">The folder does not exist, or no retriever or embedding model is available.</exception>
    public async Task<IngestionReport> IngestFolderAsync(IngestionOptions options, IProgress<IngestionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var source = new FolderDocumentSource(options);
        var catalog = await knowledgeBases.CatalogAsync(cancellationToken).ConfigureAwait(false);
        await using var session = await catalog.OpenAsync(options.KnowledgeBase, create: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        catalog.AddFolder(session.Info, source.Folder);
        return await RunAsync(source, new KnowledgeBaseSink(session.Store), session, options, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ingests documents from any source (an upload, another node) into a knowledge base on this machine.</summary>
    /// <param name="knowledgeBase">The knowledge base; created when it does not exist.</param>
    /// <param name="source">Where the documents come from.</param>
    /// <param name="options">The limits; <see cref="IngestionOptions.Folder"/> is not used.</param>
    /// <param name="progress">Receives an event per document.</param>
    /// <param name="cancellationToken">A token to stop; what was stored stays stored.</param>
    /// <returns>What was done.</returns>
    public async Task<IngestionReport> IngestAsync(string knowledgeBase, IDocumentSource source, IngestionOptions? options = null, IProgress<IngestionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        await using var session = await knowledgeBases.OpenAsync(knowledgeBase, create: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await RunAsync(source, new KnowledgeBaseSink(session.Store), session, options ?? new IngestionOptions { Folder = string.Empty, KnowledgeBase = knowledgeBase }, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the stages with any source and any sink, embedding with a knowledge base's model.</summary>
    /// <param name="source">Where the documents come from.</param>
    /// <param name="sink">Where they are stored (this machine's store, or another node).</param>
    /// <param name="embedder">The open knowledge base whose embedding model embeds the chunks.</param>
    /// <param name="options">The limits.</param>
    /// <param name="progress">Receives an event per document.</param>
    /// <param name="cancellationToken">A token to stop; what was stored stays stored.</param>
    /// <returns>What was done.</returns>
    public async Task<IngestionReport> RunAsync(IDocumentSource source, IDocumentSink sink, KnowledgeBaseSession embedder, IngestionOptions options, IProgress<IngestionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(options);
        return await RunWithModelAsync(source, sink, embedder.Embedder, embedder.Info.Name, options, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs an ingestion from any source into any sink, embedding with a model leased from the pool rather than a
    /// knowledge base's: a cluster node processes documents that other nodes store.
    /// </summary>
    /// <param name="source">Where the documents come from.</param>
    /// <param name="sink">Where the embedded documents go.</param>
    /// <param name="embedder">The embedding model.</param>
    /// <param name="knowledgeBase">The knowledge base's name, for reports and progress.</param>
    /// <param name="options">Limits, parallelism and batch sizes; the folder and filters are not used.</param>
    /// <param name="progress">Receives progress.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The report.</returns>
    public async Task<IngestionReport> RunWithModelAsync(IDocumentSource source, IDocumentSink sink, ModelLease embedder, string knowledgeBase, IngestionOptions options, IProgress<IngestionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(options);
        var host = await hosts.GetAsync(cancellationToken).ConfigureAwait(false);
        var generator = embedder.Model.EmbeddingGenerator
            ?? throw new PluginException($"{embedder.Path}: the embedding model computes no embeddings.");
        var pipeline = new IngestionPipeline(source, sink, generator, host.GetPreprocessors(), embedder.Model.Metadata.ModelId, options);
        return await pipeline.RunAsync(knowledgeBase, progress, cancellationToken).ConfigureAwait(false);
    }
}
