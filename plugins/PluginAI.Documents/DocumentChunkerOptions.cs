namespace PluginAI.Documents;

/// <summary>How the chunker sizes its chunks, in tokens of the embedding model.</summary>
/// <remarks>
/// The defaults suit all-MiniLM-L6-v2, which truncates its input at 256 tokens: 200 tokens of text and 48 of heading
/// leave room for the special tokens and for a tokenizer that counts a little differently from
/// <see cref="Processing.ITokenCounter"/>. Keep <see cref="MaxTokens"/> plus <see cref="HeadingTokens"/> below the
/// embedding model's window.
/// </remarks>
public sealed record DocumentChunkerOptions
{
    /// <summary>The smallest budget accepted, so that a chunk can always hold a few words.</summary>
    public const int MinimumMaxTokens = 8;

    /// <summary>Gets the largest number of tokens in a chunk. Default 200.</summary>
    public int MaxTokens { get; init; } = 200;

    /// <summary>Gets how many tokens at the end of a chunk are repeated at the start of the next one in the same section. Default 30.</summary>
    public int OverlapTokens { get; init; } = 30;

    /// <summary>
    /// Gets the largest number of tokens of the heading (the document's title and the chunk's section path) put before
    /// each chunk's text in <see cref="Processing.DocumentChunk.EmbeddingText"/>, on top of <see cref="MaxTokens"/>: the
    /// defaults, 200 + 48 and the model's two special tokens, fit all-MiniLM-L6-v2's 256-token window. The heading never
    /// takes more than a quarter of <see cref="MaxTokens"/>. 0 embeds the text alone. Default 48.
    /// </summary>
    public int HeadingTokens { get; init; } = 48;

    /// <summary>Throws when the options cannot work together.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTokens, MinimumMaxTokens, nameof(MaxTokens));
        ArgumentOutOfRangeException.ThrowIfNegative(OverlapTokens, nameof(OverlapTokens));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(OverlapTokens, MaxTokens / 2, nameof(OverlapTokens));
        ArgumentOutOfRangeException.ThrowIfNegative(HeadingTokens, nameof(HeadingTokens));
    }
}
