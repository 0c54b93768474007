using PluginAI.Retrieval;

namespace PluginAI.Runtime.Knowledge;

/// <summary>A search of a knowledge base, as plain data.</summary>
public sealed record SearchRequest
{
    /// <summary>Gets the query.</summary>
    public required string Query { get; init; }

    /// <summary>Gets the knowledge base.</summary>
    public string KnowledgeBase { get; init; } = KnowledgeBaseService.DefaultName;

    /// <summary>Gets how many passages to return.</summary>
    public int Top { get; init; } = 5;

    /// <summary>Gets how to rank.</summary>
    public SearchMode Mode { get; init; } = SearchMode.Hybrid;

    /// <summary>Gets a glob that source paths must match, or <see langword="null"/>.</summary>
    public string? PathGlob { get; init; }

    /// <summary>Gets the media types to search; empty for all.</summary>
    public IReadOnlyList<string> MediaTypes { get; init; } = [];
}
