namespace PluginAI.Processing;

/// <summary>A preprocessor that wraps another and forwards every call to it; override members to add behaviour around it.</summary>
/// <remarks>Use it for decorators: logging, caching, limits. The host wraps every plugin's preprocessor this way to contain failures.</remarks>
public class DelegatingPreprocessor : IPreprocessor
{
    /// <summary>Initializes a new instance of the <see cref="DelegatingPreprocessor"/> class.</summary>
    /// <param name="innerPreprocessor">The wrapped preprocessor.</param>
    protected DelegatingPreprocessor(IPreprocessor innerPreprocessor)
    {
        ArgumentNullException.ThrowIfNull(innerPreprocessor);
        InnerPreprocessor = innerPreprocessor;
    }

    /// <summary>Gets the wrapped preprocessor.</summary>
    protected IPreprocessor InnerPreprocessor { get; }

    /// <inheritdoc />
    public virtual PreprocessorMetadata Metadata => InnerPreprocessor.Metadata;

    /// <inheritdoc />
    public virtual Task<DocumentContent> ProcessDocumentAsync(DocumentContent document, CancellationToken cancellationToken = default) =>
        InnerPreprocessor.ProcessDocumentAsync(document, cancellationToken);

    /// <inheritdoc />
    public virtual Task<PromptContext> ProcessPromptAsync(PromptContext prompt, CancellationToken cancellationToken = default) =>
        InnerPreprocessor.ProcessPromptAsync(prompt, cancellationToken);

    /// <inheritdoc />
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : InnerPreprocessor.GetService(serviceType, serviceKey);
    }
}
