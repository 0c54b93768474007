namespace PluginAI.Processing;

/// <summary>Describes a preprocessor.</summary>
/// <param name="Name">The preprocessor name, such as <c>markdown</c>.</param>
public sealed record PreprocessorMetadata(string Name)
{
    /// <summary>Gets the media types of documents the preprocessor handles, such as <c>text/markdown</c>; empty for none.</summary>
    public IReadOnlyList<string> MediaTypes { get; init; } = [];

    /// <summary>Gets the file extensions the preprocessor handles, with the dot, such as <c>.md</c>.</summary>
    public IReadOnlyList<string> Extensions { get; init; } = [];

    /// <summary>Gets a value indicating whether the preprocessor works on prompts.</summary>
    public bool HandlesPrompts { get; init; }

    /// <summary>Gets the position of the preprocessor in the chain; lower runs first. Parsers use 100, chunkers 200, prompt templates 300.</summary>
    public int Order { get; init; } = 100;
}
