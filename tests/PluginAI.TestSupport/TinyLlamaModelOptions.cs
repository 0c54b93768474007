namespace PluginAI.TestSupport;

/// <summary>The shape of a model written by <see cref="TinyLlamaModel.Write"/>. The defaults give a 1 MB model that loads and runs in milliseconds.</summary>
public sealed record TinyLlamaModelOptions
{
    /// <summary>Gets or initializes the seed of the random weights; the same seed and shape give the same file.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Gets or initializes the value of <c>general.architecture</c>. llama.cpp only runs <c>llama</c>; other values make a valid GGUF file of an unsupported architecture.</summary>
    public string Architecture { get; init; } = "llama";

    /// <summary>Gets or initializes <c>general.name</c>.</summary>
    public string Name { get; init; } = "tiny-llama";

    /// <summary>Gets or initializes the embedding (hidden) size; a multiple of <see cref="HeadCount"/>.</summary>
    public int EmbeddingLength { get; init; } = 64;

    /// <summary>Gets or initializes the number of transformer blocks.</summary>
    public int BlockCount { get; init; } = 2;

    /// <summary>Gets or initializes the number of attention heads.</summary>
    public int HeadCount { get; init; } = 4;

    /// <summary>Gets or initializes the feed-forward size.</summary>
    public int FeedForwardLength { get; init; } = 128;

    /// <summary>Gets or initializes the context length the model declares (<c>llama.context_length</c>).</summary>
    public int ContextLength { get; init; } = 2048;

    /// <summary>Gets or initializes the vocabulary size; at least <see cref="TinyLlamaModel.MinimumVocabularySize"/>.</summary>
    public int VocabularySize { get; init; } = 512;

    /// <summary>Gets or initializes <c>tokenizer.chat_template</c>, such as <see cref="TinyLlamaModel.ChatMLTemplate"/>; <see langword="null"/> writes none.</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>
    /// Gets or initializes a value indicating whether greedy sampling can never pick a control or byte token, end of
    /// sequence included, so that greedy generation always runs to its token limit. Off by default, where end of
    /// sequence is only rare.
    /// </summary>
    /// <remarks>
    /// Printable pieces come in pairs whose output rows are each other's negation: for any hidden state one of the pair
    /// scores above zero, and control and byte tokens score exactly zero. Timing comparisons need this to count the same
    /// tokens on every path.
    /// </remarks>
    public bool GreedyNeverEnds { get; init; }
}
