namespace PluginAI.Retrieval.Sqlite.Internal;

/// <summary>What a search filter needs of a stored document, kept in memory.</summary>
/// <param name="SourcePath">The document's source path.</param>
/// <param name="MediaType">The document's media type.</param>
/// <param name="ChunkCount">The number of its chunks.</param>
internal sealed record DocumentEntry(string SourcePath, string MediaType, int ChunkCount);
