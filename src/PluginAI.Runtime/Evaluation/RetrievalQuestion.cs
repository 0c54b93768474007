namespace PluginAI.Runtime.Evaluation;

/// <summary>A question of a retrieval evaluation and the sources that answer it.</summary>
public sealed record RetrievalQuestion
{
    /// <summary>Gets the question, as a user would ask it.</summary>
    public required string Question { get; init; }

    /// <summary>
    /// Gets the source paths that answer the question; a passage matches one when its source path equals it or ends
    /// with <c>/</c> followed by it, compared without regard to case.
    /// </summary>
    public required IReadOnlyList<string> Sources { get; init; }

    /// <summary>
    /// Gets the section that answers the question, or <see langword="null"/> when any passage of an expected source
    /// counts; a passage matches when its heading path equals it or ends with <c> &gt; </c> followed by it.
    /// </summary>
    public string? Section { get; init; }

    /// <summary>Gets the 1-based line of the question in its file, or 0 when it did not come from a file.</summary>
    public int Line { get; init; }
}
