namespace PluginAI.Processing;

/// <summary>A run of text from a document with where it came from.</summary>
public sealed record DocumentSection
{
    /// <summary>Gets the text.</summary>
    public required string Text { get; init; }

    /// <summary>Gets the 1-based page number, for paged formats.</summary>
    public int? Page { get; init; }

    /// <summary>Gets the heading path of the section, such as <c>Install &gt; Linux</c>.</summary>
    public string? Section { get; init; }

    /// <summary>Gets the offset of the text's first character in the document's extracted text.</summary>
    public int StartOffset { get; init; }
}
