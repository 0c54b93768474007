using Microsoft.Extensions.AI;

namespace PluginAI.Processing;

/// <summary>A postprocessor that wraps another and forwards every call to it; override members to add behaviour around it.</summary>
/// <remarks>Use it for decorators. The host wraps every plugin's postprocessor this way to contain failures.</remarks>
public class DelegatingPostprocessor : IPostprocessor
{
    /// <summary>Initializes a new instance of the <see cref="DelegatingPostprocessor"/> class.</summary>
    /// <param name="innerPostprocessor">The wrapped postprocessor.</param>
    protected DelegatingPostprocessor(IPostprocessor innerPostprocessor)
    {
        ArgumentNullException.ThrowIfNull(innerPostprocessor);
        InnerPostprocessor = innerPostprocessor;
    }

    /// <summary>Gets the wrapped postprocessor.</summary>
    protected IPostprocessor InnerPostprocessor { get; }

    /// <inheritdoc />
    public virtual PostprocessorMetadata Metadata => InnerPostprocessor.Metadata;

    /// <inheritdoc />
    public virtual IAsyncEnumerable<ChatResponseUpdate> ProcessAsync(IAsyncEnumerable<ChatResponseUpdate> updates, PostprocessorContext context, CancellationToken cancellationToken = default) =>
        InnerPostprocessor.ProcessAsync(updates, context, cancellationToken);

    /// <inheritdoc />
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : InnerPostprocessor.GetService(serviceType, serviceKey);
    }
}
