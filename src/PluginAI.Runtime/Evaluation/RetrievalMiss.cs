namespace PluginAI.Runtime.Evaluation;

/// <summary>A question whose answer a search mode did not rank first.</summary>
public sealed record RetrievalMiss
{
    /// <summary>Gets the question.</summary>
    public required RetrievalQuestion Question { get; init; }

    /// <summary>Gets the 1-based rank of the first relevant passage, or 0 when none was in the top 10.</summary>
    public required int Rank { get; init; }

    /// <summary>Gets the source path and section of the passage ranked first, or <see langword="null"/> when nothing was found.</summary>
    public string? RankedFirst { get; init; }
}
