namespace PluginAI.Cluster;

/// <summary>A document sent to the cluster: its content and a stable key, never a path on the sender's disk.</summary>
[GenerateSerializer]
public sealed class DocumentUpload
{
    /// <summary>Gets the knowledge base the document belongs to.</summary>
    [Id(0)] public required string KnowledgeBase { get; init; }

    /// <summary>Gets the document's stable key, such as <c>docs/setup.md</c>.</summary>
    [Id(1)] public required string Key { get; init; }

    /// <summary>Gets the content.</summary>
    [Id(2)] public required byte[] Content { get; init; }

    /// <summary>Gets the SHA-256 of the content, lower-case hex.</summary>
    [Id(3)] public required string ContentHash { get; init; }

    /// <summary>Gets the media type when the sender knows it.</summary>
    [Id(4)] public string? MediaType { get; init; }

    /// <summary>Gets when the content last changed.</summary>
    [Id(5)] public DateTimeOffset LastModified { get; init; }

    /// <summary>Gets the version: a newer version of a key replaces an older one on every replica, never the reverse.</summary>
    [Id(6)] public long Version { get; init; }
}

/// <summary>What became of one uploaded document.</summary>
public enum IngestStatus
{
    /// <summary>Stored for the first time.</summary>
    Added,

    /// <summary>Replaced an older version.</summary>
    Updated,

    /// <summary>The replicas already held this content (a copy missing from one owner was made).</summary>
    Unchanged,

    /// <summary>Not stored: no parser takes it, or it has no text.</summary>
    Skipped,
}

/// <summary>The outcome of one uploaded document.</summary>
[GenerateSerializer]
public sealed class IngestOutcome
{
    /// <summary>Gets the document's key.</summary>
    [Id(0)] public required string Key { get; init; }

    /// <summary>Gets what happened.</summary>
    [Id(1)] public IngestStatus Status { get; init; }

    /// <summary>Gets the node that parsed, chunked and embedded it (empty when unchanged).</summary>
    [Id(2)] public string Processor { get; init; } = string.Empty;

    /// <summary>Gets the nodes that store it.</summary>
    [Id(3)] public string[] StoredOn { get; init; } = [];

    /// <summary>Gets the number of chunks.</summary>
    [Id(4)] public int Chunks { get; init; }

    /// <summary>Gets why it was skipped.</summary>
    [Id(5)] public string? Reason { get; init; }

    /// <summary>Gets the shard the key belongs to.</summary>
    [Id(6)] public int Shard { get; init; }
}

/// <summary>A document as a replica holds it: key, content hash and version.</summary>
[GenerateSerializer]
public sealed class StoredDocument
{
    /// <summary>Gets the key.</summary>
    [Id(0)] public required string Key { get; init; }

    /// <summary>Gets the SHA-256 of the content.</summary>
    [Id(1)] public required string ContentHash { get; init; }

    /// <summary>Gets the version.</summary>
    [Id(2)] public long Version { get; init; }

    /// <summary>Gets the number of chunks.</summary>
    [Id(3)] public int Chunks { get; init; }
}

/// <summary>A parsed, chunked and embedded document on its way to a replica.</summary>
[GenerateSerializer]
public sealed class ReplicaDocument
{
    /// <summary>Gets the key, content hash and version.</summary>
    [Id(0)] public required StoredDocument Stored { get; init; }

    /// <summary>Gets the document with its chunks and embeddings, as PluginAI's contract JSON.</summary>
    [Id(1)] public required byte[] Json { get; init; }
}

/// <summary>How many documents a node holds of one shard.</summary>
[GenerateSerializer]
public sealed class ShardHolding
{
    /// <summary>Gets the shard.</summary>
    [Id(0)] public int Shard { get; init; }

    /// <summary>Gets the number of documents held.</summary>
    [Id(1)] public int Documents { get; init; }
}

/// <summary>A search sent to the nodes: the query's embedding is computed once, by the coordinator.</summary>
[GenerateSerializer]
public sealed class ShardQuery
{
    /// <summary>Gets the query text.</summary>
    [Id(0)] public required string Text { get; init; }

    /// <summary>Gets the query's embedding (empty for keyword search).</summary>
    [Id(1)] public float[] Embedding { get; init; } = [];

    /// <summary>Gets the number of passages wanted.</summary>
    [Id(2)] public int Top { get; init; } = 5;

    /// <summary>Gets the search mode, as <see cref="Retrieval.SearchMode"/>.</summary>
    [Id(3)] public int Mode { get; init; }

    /// <summary>Gets the path filter.</summary>
    [Id(4)] public string? PathGlob { get; init; }

    /// <summary>Gets the media type filter.</summary>
    [Id(5)] public string[] MediaTypes { get; init; } = [];

    /// <summary>Gets the keyword statistics of the whole knowledge base, summed over its shards, or none.</summary>
    [Id(6)] public ShardKeywordStatistics? KeywordStatistics { get; init; }

    /// <summary>A copy of this query with the given keyword statistics.</summary>
    public ShardQuery With(ShardKeywordStatistics? statistics) => new()
    {
        Text = Text,
        Embedding = Embedding,
        Top = Top,
        Mode = Mode,
        PathGlob = PathGlob,
        MediaTypes = MediaTypes,
        KeywordStatistics = statistics,
    };
}

/// <summary>Keyword statistics for one query: of the shards a node holds, or summed over a knowledge base's shards.</summary>
[GenerateSerializer]
public sealed class ShardKeywordStatistics
{
    /// <summary>Gets the number of chunks.</summary>
    [Id(0)] public long Chunks { get; init; }

    /// <summary>Gets the number of tokens.</summary>
    [Id(1)] public long Tokens { get; init; }

    /// <summary>Gets the number of chunks holding each query term.</summary>
    [Id(2)] public Dictionary<string, long> TermChunks { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Carries a retriever's statistics across the cluster.</summary>
    public static ShardKeywordStatistics From(Retrieval.KeywordStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        return new ShardKeywordStatistics
        {
            Chunks = statistics.Chunks,
            Tokens = statistics.Tokens,
            TermChunks = new Dictionary<string, long>(statistics.TermChunks, StringComparer.Ordinal),
        };
    }

    /// <summary>The statistics as the retriever contract has them.</summary>
    public Retrieval.KeywordStatistics ToStatistics() => new() { Chunks = Chunks, Tokens = Tokens, TermChunks = TermChunks };
}

/// <summary>A passage found on a node.</summary>
[GenerateSerializer]
public sealed class PassageHit
{
    /// <summary>Gets the document's key.</summary>
    [Id(0)] public required string SourcePath { get; init; }

    /// <summary>Gets the passage.</summary>
    [Id(1)] public required string Text { get; init; }

    /// <summary>Gets the score.</summary>
    [Id(2)] public double Score { get; init; }

    /// <summary>Gets the chunk's index in its document.</summary>
    [Id(3)] public int ChunkIndex { get; init; }

    /// <summary>Gets the media type.</summary>
    [Id(4)] public string? MediaType { get; init; }

    /// <summary>Gets the page.</summary>
    [Id(5)] public int? Page { get; init; }

    /// <summary>Gets the section.</summary>
    [Id(6)] public string? Section { get; init; }

    /// <summary>Gets the start offset.</summary>
    [Id(7)] public int StartOffset { get; init; }

    /// <summary>Gets the end offset.</summary>
    [Id(8)] public int EndOffset { get; init; }

    /// <summary>Gets the node that answered.</summary>
    [Id(9)] public string Node { get; init; } = string.Empty;

    /// <summary>Gets the shard.</summary>
    [Id(10)] public int Shard { get; init; }
}

/// <summary>One node as <c>pluginai cluster status</c> shows it.</summary>
[GenerateSerializer]
public sealed class NodeStatus
{
    /// <summary>Gets the node's name.</summary>
    [Id(0)] public required string Name { get; init; }

    /// <summary>Gets the node's silo address.</summary>
    [Id(1)] public string Address { get; init; } = string.Empty;

    /// <summary>Gets the node's state: <c>active</c>, or why it does not answer.</summary>
    [Id(2)] public string State { get; init; } = "active";

    /// <summary>Gets the CPU model.</summary>
    [Id(3)] public string Cpu { get; init; } = string.Empty;

    /// <summary>Gets the number of logical cores.</summary>
    [Id(4)] public int Cores { get; init; }

    /// <summary>Gets the total memory in bytes.</summary>
    [Id(5)] public long MemoryBytes { get; init; }

    /// <summary>Gets the accelerators.</summary>
    [Id(6)] public string[] Accelerators { get; init; } = [];

    /// <summary>Gets the models loaded in the node's pool.</summary>
    [Id(7)] public string[] ModelsLoaded { get; init; } = [];

    /// <summary>Gets the documents being processed and chat requests being answered on the node now.</summary>
    [Id(8)] public int QueueDepth { get; init; }

    /// <summary>Gets the number of document copies held.</summary>
    [Id(9)] public long DocumentsHeld { get; init; }

    /// <summary>Gets the number of shard copies held.</summary>
    [Id(10)] public int ShardsHeld { get; init; }

    /// <summary>Gets the documents processed since the node started.</summary>
    [Id(11)] public long DocumentsProcessed { get; init; }

    /// <summary>Gets the replicas copied to other nodes by repair since the node started.</summary>
    [Id(12)] public long ReplicasRepaired { get; init; }

    /// <summary>Gets the chat models registered on the node, which it can load.</summary>
    [Id(13)] public string[] ModelsAvailable { get; init; } = [];

    /// <summary>Gets the chat requests being answered on the node now.</summary>
    [Id(14)] public int ChatsInProgress { get; init; }
}
