using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.AI;
using PluginAI.Retrieval;
using PluginAI.Runtime.Ingestion;

namespace PluginAI.Cluster;

/// <summary>Progress of a cluster ingestion: documents done, and how many each node has processed.</summary>
/// <param name="Total">The documents to send.</param>
/// <param name="Done">The documents finished (stored, unchanged, skipped or failed).</param>
/// <param name="PerNode">Documents processed by each node so far.</param>
/// <param name="Last">The last document finished.</param>
public sealed record ClusterIngestProgress(int Total, int Done, IReadOnlyDictionary<string, int> PerNode, IngestOutcome? Last);

/// <summary>What a cluster ingestion did.</summary>
public sealed record ClusterIngestReport
{
    /// <summary>Gets the knowledge base.</summary>
    public required string KnowledgeBase { get; init; }

    /// <summary>Gets the number of documents the source offered.</summary>
    public int Documents { get; init; }

    /// <summary>Gets the documents stored for the first time.</summary>
    public int Added { get; init; }

    /// <summary>Gets the documents that replaced an older version.</summary>
    public int Updated { get; init; }

    /// <summary>Gets the documents every replica already held.</summary>
    public int Unchanged { get; init; }

    /// <summary>Gets the documents left out, with the reason.</summary>
    public IReadOnlyList<SkippedFile> Skipped { get; init; } = [];

    /// <summary>Gets the documents that could not be stored after every retry, with the last error.</summary>
    public IReadOnlyList<SkippedFile> Failed { get; init; } = [];

    /// <summary>Gets the documents processed by each node.</summary>
    public IReadOnlyDictionary<string, int> PerNode { get; init; } = new Dictionary<string, int>();

    /// <summary>Gets how many sends were retried (a node left mid-document).</summary>
    public int Retries { get; init; }

    /// <summary>Gets the chunks stored.</summary>
    public long Chunks { get; init; }

    /// <summary>Gets the time taken.</summary>
    public TimeSpan Elapsed { get; init; }
}

/// <summary>Options of a cluster ingestion.</summary>
public sealed class ClusterIngestOptions
{
    /// <summary>Gets or sets how many documents are in flight at once.</summary>
    public int Parallelism { get; set; } = 8;

    /// <summary>Gets or sets how many times a document is sent before it is reported as failed.</summary>
    public int Attempts { get; set; } = 8;

    /// <summary>Gets or sets the first wait before a document is sent again; it doubles, up to 5 seconds.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Gets or sets the largest document sent, in bytes; larger ones are skipped with the reason.</summary>
    public long MaxDocumentBytes { get; set; } = 64L * 1024 * 1024;
}

/// <summary>The cluster as a client sees it: ingest, search and status through any gateway node.</summary>
/// <param name="grains">The cluster client's grain factory.</param>
public sealed class ClusterGateway(IGrainFactory grains)
{
    /// <summary>Sends every document of a source to the cluster; a document whose node leaves mid-way is sent again.</summary>
    /// <param name="source">The documents.</param>
    /// <param name="knowledgeBase">The knowledge base.</param>
    /// <param name="options">Parallelism and retries.</param>
    /// <param name="progress">Receives progress after each document.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The report.</returns>
    public async Task<ClusterIngestReport> IngestAsync(IDocumentSource source, string knowledgeBase, ClusterIngestOptions? options = null, IProgress<ClusterIngestProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ClusterNode.CheckKnowledgeBaseName(knowledgeBase);
        options ??= new ClusterIngestOptions();
        var watch = Stopwatch.StartNew();
        var skipped = new List<SkippedFile>();
        var documents = await source.ListAsync(skipped, cancellationToken).ConfigureAwait(false);
        var version = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var failed = new ConcurrentBag<SkippedFile>();
        var skippedByNodes = new ConcurrentBag<SkippedFile>();
        var perNode = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        int added = 0, updated = 0, unchanged = 0, retries = 0, done = 0;
        long chunks = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(documents, parallel, async (document, token) =>
        {
            if (document.Length > options.MaxDocumentBytes)
            {
                skippedByNodes.Add(new SkippedFile(document.Key, $"{document.Length} bytes is over the limit of {options.MaxDocumentBytes}"));
                return;
            }

            var content = await source.ReadAsync(document, token).ConfigureAwait(false);
            var upload = new DocumentUpload
            {
                KnowledgeBase = knowledgeBase,
                Key = document.Key,
                Content = content.ToArray(),
                ContentHash = Convert.ToHexStringLower(SHA256.HashData(content.Span)),
                MediaType = document.MediaType,
                LastModified = document.LastModified,
                Version = version,
            };
            IngestOutcome? outcome = null;
            var delay = options.RetryDelay;
            for (var attempt = 1; outcome is null; attempt++)
            {
                try
                {
                    outcome = await grains.GetGrain<ICoordinatorGrain>(0).IngestAsync(upload).WaitAsync(token).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException && exception is not ArgumentException && attempt < options.Attempts)
                {
                    Interlocked.Increment(ref retries);
                    await Task.Delay(delay, token).ConfigureAwait(false);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    failed.Add(new SkippedFile(document.Key, exception.Message));
                    break;
                }
            }

            if (outcome is not null)
            {
                switch (outcome.Status)
                {
                    case IngestStatus.Added: Interlocked.Increment(ref added); break;
                    case IngestStatus.Updated: Interlocked.Increment(ref updated); break;
                    case IngestStatus.Unchanged: Interlocked.Increment(ref unchanged); break;
                    default: skippedByNodes.Add(new SkippedFile(document.Key, outcome.Reason ?? "skipped")); break;
                }

                if (outcome.Processor.Length > 0)
                {
                    perNode.AddOrUpdate(outcome.Processor, 1, static (_, n) => n + 1);
                }

                if (outcome.Status is IngestStatus.Added or IngestStatus.Updated)
                {
                    Interlocked.Add(ref chunks, outcome.Chunks);
                }
            }

            progress?.Report(new ClusterIngestProgress(documents.Count, Interlocked.Increment(ref done), new Dictionary<string, int>(perNode), outcome));
        }).ConfigureAwait(false);
        return new ClusterIngestReport
        {
            KnowledgeBase = knowledgeBase,
            Documents = documents.Count,
            Added = added,
            Updated = updated,
            Unchanged = unchanged,
            Skipped = [.. skipped, .. skippedByNodes.OrderBy(s => s.Path, StringComparer.Ordinal)],
            Failed = [.. failed.OrderBy(s => s.Path, StringComparer.Ordinal)],
            PerNode = new SortedDictionary<string, int>(perNode, StringComparer.Ordinal),
            Retries = retries,
            Chunks = chunks,
            Elapsed = watch.Elapsed,
        };
    }

    /// <summary>
    /// Sends a folder to the cluster. Each document's key is its path inside the folder, prefixed with the folder's name
    /// (<c>docs/setup.md</c>), never a path on this disk; the filters and size limit of <paramref name="options"/> apply.
    /// </summary>
    /// <param name="options">The folder, knowledge base, filters and limits.</param>
    /// <param name="clusterOptions">Parallelism and retries.</param>
    /// <param name="progress">Receives progress after each document.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The report.</returns>
    public Task<ClusterIngestReport> IngestFolderAsync(IngestionOptions options, ClusterIngestOptions? clusterOptions = null, IProgress<ClusterIngestProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        clusterOptions ??= new ClusterIngestOptions { MaxDocumentBytes = options.MaxFileBytes };
        return IngestAsync(new RelativeKeySource(new FolderDocumentSource(options)), options.KnowledgeBase, clusterOptions, progress, cancellationToken);
    }

    /// <summary>Searches a knowledge base across the cluster.</summary>
    /// <param name="knowledgeBase">The knowledge base.</param>
    /// <param name="query">The query.</param>
    /// <param name="top">How many passages.</param>
    /// <param name="mode">The search mode.</param>
    /// <param name="pathGlob">Only passages of documents whose key matches this glob.</param>
    /// <param name="mediaTypes">Only passages of these media types.</param>
    /// <returns>The best passages across every shard, best first.</returns>
    public async Task<IReadOnlyList<RetrievedPassage>> SearchAsync(string knowledgeBase, string query, int top = 5, SearchMode mode = SearchMode.Hybrid, string? pathGlob = null, IReadOnlyList<string>? mediaTypes = null)
    {
        var hits = await grains.GetGrain<ICoordinatorGrain>(0).SearchAsync(
            knowledgeBase,
            new ShardQuery { Text = query, Top = top, Mode = (int)mode, PathGlob = pathGlob, MediaTypes = [.. mediaTypes ?? []] }).ConfigureAwait(false);
        return [.. hits.Select(h => new RetrievedPassage
        {
            SourcePath = h.SourcePath,
            Text = h.Text,
            Score = h.Score,
            ChunkIndex = h.ChunkIndex,
            MediaType = h.MediaType,
            Page = h.Page,
            Section = h.Section,
            StartOffset = h.StartOffset,
            EndOffset = h.EndOffset,
        })];
    }

    /// <summary>Gets the chat models registered on any live node.</summary>
    /// <returns>The names, sorted.</returns>
    public async Task<IReadOnlyList<string>> ListChatModelsAsync()
    {
        var nodes = await GetStatusAsync().ConfigureAwait(false);
        return [.. nodes.Where(n => n.State == "active").SelectMany(n => n.ModelsAvailable).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Streams a chat answer from the cluster: a node that has the model loaded and the fewest requests in progress,
    /// or else the least busy node that has it registered.
    /// </summary>
    /// <param name="model">The model's registered name.</param>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">Sampling, limits, response format and tool declarations.</param>
    /// <param name="cancellationToken">Cancels the generation on the node.</param>
    /// <returns>The updates, and the node that answers as the first update's <see cref="ChatResponseUpdate.AdditionalProperties"/> entry <c>node</c>.</returns>
    public async IAsyncEnumerable<ChatResponseUpdate> StreamChatAsync(string model, IReadOnlyList<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var node = await grains.GetGrain<ICoordinatorGrain>(0).RouteAsync(model).WaitAsync(cancellationToken).ConfigureAwait(false);
        var messagesJson = System.Text.Json.JsonSerializer.Serialize(messages, AIJsonUtilities.DefaultOptions);
        var wire = PluginAI.Host.Workers.WireChatOptions.From(options);
        var optionsJson = wire is null ? null : System.Text.Json.JsonSerializer.Serialize(wire, ClusterNode.WireJson);
        var first = true;
        await foreach (var json in grains.GetGrain<INodeGrain>(node).ChatAsync(model, messagesJson, optionsJson, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var update = System.Text.Json.JsonSerializer.Deserialize<ChatResponseUpdate>(json, AIJsonUtilities.DefaultOptions)!;
            if (first)
            {
                (update.AdditionalProperties ??= [])["node"] = node;
                first = false;
            }

            yield return update;
        }
    }

    /// <summary>Gets every node's status.</summary>
    /// <returns>The nodes, by name.</returns>
    public Task<NodeStatus[]> GetStatusAsync() => grains.GetGrain<ICoordinatorGrain>(0).GetStatusAsync();
}

/// <summary>A folder's documents keyed by their path inside the folder, prefixed with the folder's name.</summary>
internal sealed class RelativeKeySource(FolderDocumentSource inner) : IDocumentSource
{
    private readonly ConcurrentDictionary<string, SourceDocument> _local = new(StringComparer.Ordinal);
    private readonly string _prefix = Path.GetFileName(Path.TrimEndingDirectorySeparator(inner.Folder));

    public string Description => inner.Description;

    public async Task<IReadOnlyList<SourceDocument>> ListAsync(ICollection<SkippedFile> skipped, CancellationToken cancellationToken = default)
    {
        var documents = await inner.ListAsync(skipped, cancellationToken).ConfigureAwait(false);
        var result = new List<SourceDocument>(documents.Count);
        foreach (var document in documents)
        {
            var key = _prefix + "/" + Path.GetRelativePath(inner.Folder, document.Key).Replace(Path.DirectorySeparatorChar, '/');
            _local[key] = document;
            result.Add(document with { Key = key });
        }

        return result;
    }

    public Task<ReadOnlyMemory<byte>> ReadAsync(SourceDocument document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        return inner.ReadAsync(_local.TryGetValue(document.Key, out var local) ? local : document, cancellationToken);
    }

    public bool IsRemoved(string key) => false;
}
