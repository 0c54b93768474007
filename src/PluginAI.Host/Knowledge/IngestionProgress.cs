namespace PluginAI.Host.Knowledge;

/// <summary>Where an ingestion stands.</summary>
/// <param name="FilesTotal">Files found.</param>
/// <param name="FilesDone">Files finished: stored, unchanged or skipped.</param>
/// <param name="Chunks">Chunks stored so far.</param>
/// <param name="CurrentFile">The file finished last.</param>
public sealed record IngestionProgress(int FilesTotal, int FilesDone, long Chunks, string? CurrentFile);
