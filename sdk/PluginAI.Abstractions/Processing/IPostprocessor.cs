using Microsoft.Extensions.AI;

namespace PluginAI.Processing;

/// <summary>A postprocessor: transforms or checks generated output while it streams.</summary>
/// <remarks>
/// <para>
/// The host chains postprocessors by composition: the output stream of one is the input stream of the next, in
/// <see cref="PostprocessorMetadata.Order"/>. A postprocessor must keep the order of the text it passes on, may hold
/// text back while it decides (a redactor waits for the end of a word), and must emit everything it holds back when
/// its input ends. It holds back only what it has not decided about yet, a bounded amount and never the whole answer:
/// text it has decided about is passed on without waiting for the input to end, so the answer keeps streaming.
/// </para>
/// <para>
/// Updates without text, and what an update with text carries besides its text (other contents such as usage, and its
/// finish reason), are passed on, never dropped and never ahead of the text that came before them in the input; so the
/// finish reason and usage of the input's last update arrive on the output's last update.
/// </para>
/// <para>
/// It observes the cancellation token between updates, the first included: a cancelled stream ends with
/// <see cref="OperationCanceledException"/> even when its input ignores the token. An exception thrown by the input
/// stream propagates to the consumer as it is, neither swallowed nor wrapped in another exception.
/// </para>
/// <para>
/// Implementations are registered as singletons; one instance serves several streams at once, so per-stream state
/// lives in the enumerator, not in fields.
/// </para>
/// </remarks>
public interface IPostprocessor
{
    /// <summary>Gets what the postprocessor does.</summary>
    PostprocessorMetadata Metadata { get; }

    /// <summary>Transforms a stream of response updates.</summary>
    /// <param name="updates">The updates from the model or the previous postprocessor.</param>
    /// <param name="context">The request, the retrieved sources, and where to report findings.</param>
    /// <param name="cancellationToken">A token to cancel the stream.</param>
    /// <returns>The transformed updates.</returns>
    IAsyncEnumerable<ChatResponseUpdate> ProcessAsync(IAsyncEnumerable<ChatResponseUpdate> updates, PostprocessorContext context, CancellationToken cancellationToken = default);

    /// <summary>Gets a service the postprocessor offers beyond this interface, or <see langword="null"/>.</summary>
    /// <param name="serviceType">The type of service.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <returns>The service, or <see langword="null"/>.</returns>
    object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType?.IsInstanceOfType(this) == true ? this : null;
}
