using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;

namespace PluginAI.Processing;

/// <summary>
/// A base for postprocessors that rewrite the text of a stream and may hold some of it back until they can decide,
/// such as a redactor waiting for the end of an e-mail address or a citation check waiting for a closing bracket.
/// </summary>
/// <remarks>
/// The base keeps the order of the stream, passes updates without text through at once, stops promptly when the stream
/// is cancelled, and copies the response, message and model ids of the updates it rewrites. Derived classes implement
/// <see cref="Release"/> only. Per-stream state lives in the enumerator, so one instance serves many streams at once.
/// </remarks>
public abstract class TextStreamPostprocessor : IPostprocessor
{
    /// <inheritdoc />
    public abstract PostprocessorMetadata Metadata { get; }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> ProcessAsync(IAsyncEnumerable<ChatResponseUpdate> updates, PostprocessorContext context, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        ArgumentNullException.ThrowIfNull(context);
        var pending = new StringBuilder();
        ChatResponseUpdate? last = null;
        await foreach (var update in updates.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            // The source may ignore the token; a stream must still stop promptly when its consumer cancels.
            cancellationToken.ThrowIfCancellationRequested();
            if (string.IsNullOrEmpty(update.Text))
            {
                yield return update;
                continue;
            }

            last = update;
            pending.Append(update.Text);
            if (Release(pending, context, final: false) is { Length: > 0 } ready)
            {
                yield return Copy(update, ready);
            }
        }

        if (last is not null && Release(pending, context, final: true) is { Length: > 0 } rest)
        {
            yield return Copy(last, rest);
        }
    }

    /// <inheritdoc />
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>
    /// Rewrites the text that later updates can no longer change, removes it from <paramref name="pending"/>, and returns
    /// it; text that might still change stays in <paramref name="pending"/> for the next call.
    /// </summary>
    /// <param name="pending">The text received and not yet released, in stream order.</param>
    /// <param name="context">Where to report findings.</param>
    /// <param name="final">Whether the stream has ended, so that everything must be released.</param>
    /// <returns>The text to pass on; empty to wait for more.</returns>
    protected abstract string Release(StringBuilder pending, PostprocessorContext context, bool final);

    private static ChatResponseUpdate Copy(ChatResponseUpdate source, string text) => new(source.Role ?? ChatRole.Assistant, text)
    {
        ResponseId = source.ResponseId,
        MessageId = source.MessageId,
        ModelId = source.ModelId,
        CreatedAt = source.CreatedAt,
        ConversationId = source.ConversationId,
    };
}
