namespace PluginAI.Processing;

/// <summary>A base for preprocessors that handle documents, prompts or both: every member passes its input through unchanged.</summary>
public abstract class Preprocessor : IPreprocessor
{
    /// <inheritdoc />
    public abstract PreprocessorMetadata Metadata { get; }

    /// <inheritdoc />
    public virtual Task<DocumentContent> ProcessDocumentAsync(DocumentContent document, CancellationToken cancellationToken = default) =>
        Task.FromResult(document);

    /// <inheritdoc />
    public virtual Task<PromptContext> ProcessPromptAsync(PromptContext prompt, CancellationToken cancellationToken = default) =>
        Task.FromResult(prompt);
}
