namespace PluginAI.Runtime.Ingestion;

/// <summary>What an <see cref="IngestionProgress"/> event reports.</summary>
public enum IngestionEventKind
{
    /// <summary>The source was listed; <see cref="IngestionProgress.FilesTotal"/> is known.</summary>
    Listed,

    /// <summary>A document was parsed, chunked, embedded and stored.</summary>
    Stored,

    /// <summary>A document's content hash matches what is stored; nothing was done.</summary>
    Unchanged,

    /// <summary>A document was left out, with the reason.</summary>
    Skipped,

    /// <summary>A stored document whose source is gone was removed.</summary>
    Removed,

    /// <summary>
    /// Part of a large document was embedded and kept; <see cref="IngestionProgress.DocumentChunksDone"/> of
    /// <see cref="IngestionProgress.DocumentChunksTotal"/> chunks are kept.
    /// </summary>
    Part,

    /// <summary>Another ingestion holds the document (<see cref="IngestionProgress.Reason"/> says which); this one waits for it.</summary>
    Waiting,

    /// <summary>Another ingestion stored the document while this one waited; nothing was done here.</summary>
    StoredElsewhere,
}
