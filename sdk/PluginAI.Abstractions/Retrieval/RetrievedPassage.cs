namespace PluginAI.Retrieval;

/// <summary>A passage a search returned, with where it came from and how well it matched.</summary>
public sealed record RetrievedPassage
{
    /// <summary>Gets the source path of the document.</summary>
    public required string SourcePath { get; init; }

    /// <summary>Gets the passage text.</summary>
    public required string Text { get; init; }

    /// <summary>Gets the score; higher is better, comparable only within one search.</summary>
    public required double Score { get; init; }

    /// <summary>Gets the index of the chunk in its document.</summary>
    public int ChunkIndex { get; init; }

    /// <summary>Gets the media type of the document.</summary>
    public string? MediaType { get; init; }

    /// <summary>Gets the 1-based page number, for paged formats.</summary>
    public int? Page { get; init; }

    /// <summary>Gets the heading path of the section.</summary>
    public string? Section { get; init; }

    /// <summary>Gets the offset of the passage's first character in the document's extracted text.</summary>
    public int StartOffset { get; init; }

    /// <summary>Gets the offset just past the passage's last character.</summary>
    public int EndOffset { get; init; }
}
