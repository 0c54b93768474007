namespace PluginAI.Runtime.Ingestion;

/// <summary>What an ingestion did.</summary>
public sealed record IngestionReport
{
    /// <summary>Gets the knowledge base.</summary>
    public required string KnowledgeBase { get; init; }

    /// <summary>Gets the number of files found.</summary>
    public int Files { get; init; }

    /// <summary>Gets the number of new documents stored.</summary>
    public int Added { get; init; }

    /// <summary>Gets the number of changed documents stored again.</summary>
    public int Updated { get; init; }

    /// <summary>Gets the number of documents unchanged since the last run, by content hash.</summary>
    public int Unchanged { get; init; }

    /// <summary>Gets the number of documents another ingestion into the same knowledge base stored while this one waited for them.</summary>
    public int StoredElsewhere { get; init; }

    /// <summary>Gets the number of large documents that continued from the parts an interrupted run had kept.</summary>
    public int Resumed { get; init; }

    /// <summary>Gets the number of documents removed because their file is gone.</summary>
    public int Removed { get; init; }

    /// <summary>Gets the number of chunks stored.</summary>
    public long Chunks { get; init; }

    /// <summary>Gets the files skipped, each with the reason.</summary>
    public IReadOnlyList<SkippedFile> Skipped { get; init; } = [];

    /// <summary>Gets the wall-clock time.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Gets the time spent reading and parsing, summed over workers.</summary>
    public TimeSpan ParseTime { get; init; }

    /// <summary>Gets the time spent embedding.</summary>
    public TimeSpan EmbedTime { get; init; }

    /// <summary>Gets the time spent storing.</summary>
    public TimeSpan StoreTime { get; init; }
}
