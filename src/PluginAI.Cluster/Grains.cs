namespace PluginAI.Cluster;

/// <summary>One node's store: the shards of knowledge bases it holds. Each activation lives on the node it names.</summary>
public interface INodeGrain : IGrainWithStringKey
{
    /// <summary>Gets the node's hardware, models, queue depth and documents.</summary>
    [ResponseTimeout("00:00:10")]
    Task<NodeStatus> GetStatusAsync();

    /// <summary>Gets the shards of a knowledge base this node holds, with their document counts.</summary>
    [ResponseTimeout("00:00:10")]
    Task<ShardHolding[]> GetHoldingsAsync(string knowledgeBase);

    /// <summary>Lists the documents of one shard held here.</summary>
    [ResponseTimeout("00:00:30")]
    Task<StoredDocument[]> ListAsync(string knowledgeBase, int shard);

    /// <summary>Gets one document's key, hash and version, or <see langword="null"/> when it is not held here.</summary>
    [ResponseTimeout("00:00:10")]
    Task<StoredDocument?> FindAsync(string knowledgeBase, int shard, string key);

    /// <summary>Stores a replica unless a newer version is held; answers whether it was stored.</summary>
    [ResponseTimeout("00:01:00")]
    Task<bool> StoreAsync(string knowledgeBase, int shard, ReplicaDocument document);

    /// <summary>Reads a held replica, for repair.</summary>
    [ResponseTimeout("00:00:30")]
    Task<ReplicaDocument?> ReadAsync(string knowledgeBase, int shard, string key);

    /// <summary>
    /// Gets the keyword statistics of the given shards held here for a query, summed, or <see langword="null"/> when
    /// their retriever cannot score with a collection's statistics.
    /// </summary>
    [ResponseTimeout("00:00:30")]
    Task<ShardKeywordStatistics?> GetKeywordStatisticsAsync(string knowledgeBase, int[] shards, string text);

    /// <summary>Searches the given shards held here.</summary>
    [ResponseTimeout("00:00:30")]
    Task<PassageHit[]> SearchAsync(string knowledgeBase, int[] shards, ShardQuery query);

    /// <summary>Gets the chat models registered on this node.</summary>
    [ResponseTimeout("00:00:10")]
    Task<string[]> GetModelsAsync();

    /// <summary>Streams a chat answer from a model on this node, loading it when it is not loaded.</summary>
    /// <param name="model">The model's registered name.</param>
    /// <param name="messagesJson">The messages, as Microsoft.Extensions.AI JSON.</param>
    /// <param name="optionsJson">The chat options as data (tools as declarations), or none.</param>
    /// <param name="cancellationToken">Cancels the generation.</param>
    /// <returns>The updates, each as Microsoft.Extensions.AI JSON.</returns>
    IAsyncEnumerable<string> ChatAsync(string model, string messagesJson, string? optionsJson, CancellationToken cancellationToken = default);

    /// <summary>Runs one repair pass now: copies what other replicas lack and drops shards this node no longer needs to hold.</summary>
    [ResponseTimeout("00:05:00")]
    Task<int> RepairAsync();
}

/// <summary>Ingests one document: parse, chunk and embed where Orleans placed it, then store on its replicas.</summary>
public interface IDocumentGrain : IGrainWithStringKey
{
    /// <summary>Ingests the document; a second call with the same content stores nothing.</summary>
    [ResponseTimeout("00:10:00")]
    Task<IngestOutcome> IngestAsync(DocumentUpload upload);
}

/// <summary>Cluster-wide reads that any node can coordinate: status and search.</summary>
public interface ICoordinatorGrain : IGrainWithIntegerKey
{
    /// <summary>Gets every node's status.</summary>
    [ResponseTimeout("00:00:30")]
    Task<NodeStatus[]> GetStatusAsync();

    /// <summary>
    /// Ingests one document through this node, so that a call to a node that dies mid-document fails as soon as the
    /// cluster declares it dead, rather than when a client's own timeout runs out.
    /// </summary>
    [ResponseTimeout("00:10:00")]
    Task<IngestOutcome> IngestAsync(DocumentUpload upload);

    /// <summary>
    /// Chooses the node for a chat request: among nodes with the model loaded, the one with the fewest requests in
    /// progress; otherwise the least busy node that has the model registered, which loads it.
    /// </summary>
    [ResponseTimeout("00:00:30")]
    Task<string> RouteAsync(string model);

    /// <summary>Searches a knowledge base across the cluster: one live replica of every shard, merged.</summary>
    [ResponseTimeout("00:01:00")]
    Task<PassageHit[]> SearchAsync(string knowledgeBase, ShardQuery query);
}
