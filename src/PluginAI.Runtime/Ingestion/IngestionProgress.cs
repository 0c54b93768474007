namespace PluginAI.Runtime.Ingestion;

/// <summary>
/// One event of an ingestion, as plain data: a progress bar, a server-sent event stream or a cluster coordinator
/// consumes the same records.
/// </summary>
/// <param name="FilesTotal">Documents the source listed.</param>
/// <param name="FilesDone">Documents finished so far: stored, unchanged or skipped.</param>
/// <param name="Chunks">Chunks stored so far.</param>
/// <param name="CurrentFile">The key of the document this event is about, or <see langword="null"/>.</param>
public sealed record IngestionProgress(int FilesTotal, int FilesDone, long Chunks, string? CurrentFile)
{
    /// <summary>Gets what happened.</summary>
    public IngestionEventKind Kind { get; init; } = IngestionEventKind.Stored;

    /// <summary>Gets why a document was skipped (<see cref="IngestionEventKind.Skipped"/>) or who holds it (<see cref="IngestionEventKind.Waiting"/>).</summary>
    public string? Reason { get; init; }

    /// <summary>Gets, for <see cref="IngestionEventKind.Part"/>, how many chunks of the current document are kept.</summary>
    public int? DocumentChunksDone { get; init; }

    /// <summary>Gets, for <see cref="IngestionEventKind.Part"/>, how many chunks the current document has.</summary>
    public int? DocumentChunksTotal { get; init; }
}
