namespace PluginAI.Processing;

/// <summary>A preprocessor: turns documents and prompts into something the pipeline can use.</summary>
/// <remarks>
/// <para>
/// The host runs preprocessors as a chain: each receives the output of the one before it. A document arrives with its
/// raw bytes; a parser adds <see cref="DocumentContent.Sections"/>, a chunker adds <see cref="DocumentContent.Chunks"/>.
/// A prompt passes the chain twice, before and after retrieval (<see cref="PromptContext.Stage"/>); a prompt template
/// renders <see cref="PromptContext.Messages"/> after retrieval. A preprocessor returns its input unchanged for
/// anything it does not handle.
/// </para>
/// <para>
/// Implementations are registered as singletons and must be safe to call from several threads at once. They throw
/// <see cref="PluginException"/> for input they recognise but cannot process (a corrupt PDF, say), naming the file.
/// </para>
/// <para>
/// A call whose cancellation token is cancelled either throws <see cref="OperationCanceledException"/> or, when it has
/// nothing to do, returns its input unchanged; it never returns work done after cancellation, and never throws another
/// exception because of it.
/// </para>
/// </remarks>
public interface IPreprocessor
{
    /// <summary>Gets what the preprocessor handles.</summary>
    PreprocessorMetadata Metadata { get; }

    /// <summary>Processes a document.</summary>
    /// <param name="document">The document as the previous preprocessor left it.</param>
    /// <param name="cancellationToken">A token to cancel the work.</param>
    /// <returns>The document with this preprocessor's work added, or <paramref name="document"/> unchanged.</returns>
    Task<DocumentContent> ProcessDocumentAsync(DocumentContent document, CancellationToken cancellationToken = default);

    /// <summary>Processes a prompt.</summary>
    /// <param name="prompt">The prompt as the previous preprocessor left it.</param>
    /// <param name="cancellationToken">A token to cancel the work.</param>
    /// <returns>The prompt with this preprocessor's work added, or <paramref name="prompt"/> unchanged.</returns>
    Task<PromptContext> ProcessPromptAsync(PromptContext prompt, CancellationToken cancellationToken = default);

    /// <summary>Gets a service the preprocessor offers beyond this interface, or <see langword="null"/>.</summary>
    /// <param name="serviceType">The type of service.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <returns>The service, or <see langword="null"/>.</returns>
    object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType?.IsInstanceOfType(this) == true ? this : null;
}
