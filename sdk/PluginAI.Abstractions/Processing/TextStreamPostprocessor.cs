using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;

namespace PluginAI.Processing;

/// <summary>
/// A base for postprocessors that rewrite the text of a stream and may hold some of it back until they can decide,
/// such as a redactor waiting for the end of an e-mail address or a citation check waiting for a closing bracket.
/// </summary>
/// <remarks>
/// The base keeps the order of the stream, stops promptly when the stream is cancelled, lets an exception from its input
/// propagate as it is, and copies the response, message and model ids of the updates it rewrites. Updates without text
/// pass through at once when no text is held back; otherwise they wait until the text that came before them has been
/// released, so they never overtake it. What an update with text carries besides its text (other contents such as usage,
/// and its finish reason) is passed on the same way, in an update of its own, so the finish reason and usage of the last
/// update arrive last. Derived classes implement <see cref="Release"/> only. Per-stream state lives in the enumerator, so
/// one instance serves many streams at once.
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

        // Updates (or the non-text parts of updates) held until the text received before them has been released,
        // each with the number of characters received before it.
        var waiting = new Queue<(long Position, ChatResponseUpdate Update)>();
        var findings = new List<PostprocessorFinding>();
        long received = 0;
        ChatResponseUpdate? last = null;
        await foreach (var update in updates.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            // The source may ignore the token; a stream must still stop promptly when its consumer cancels.
            cancellationToken.ThrowIfCancellationRequested();
            var text = update.Text;
            if (string.IsNullOrEmpty(text))
            {
                if (pending.Length == 0)
                {
                    yield return update;
                }
                else
                {
                    waiting.Enqueue((received, update));
                }

                continue;
            }

            last = update;
            pending.Append(text);
            received += text.Length;
            if (WithoutText(update) is { } rest)
            {
                waiting.Enqueue((received, rest));
            }

            if (Release(pending, context, final: false, findings) is { Length: > 0 } ready)
            {
                yield return Copy(update, ready);
            }

            if (findings.Count > 0)
            {
                yield return PostprocessorFindingContent.ToUpdate(findings);
                findings.Clear();
            }

            var released = received - pending.Length;
            while (waiting.Count > 0 && waiting.Peek().Position <= released)
            {
                yield return waiting.Dequeue().Update;
            }
        }

        if (last is not null && Release(pending, context, final: true, findings) is { Length: > 0 } tail)
        {
            yield return Copy(last, tail);
        }

        if (findings.Count > 0)
        {
            yield return PostprocessorFindingContent.ToUpdate(findings);
        }

        while (waiting.Count > 0)
        {
            yield return waiting.Dequeue().Update;
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
    /// <param name="context">The request and the sources it may cite.</param>
    /// <param name="final">Whether the stream has ended, so that everything must be released.</param>
    /// <returns>The text to pass on; empty to wait for more.</returns>
    /// <param name="findings">Receives what the postprocessor found in the released text; each is sent on in the stream as a <see cref="PostprocessorFindingContent"/>.</param>
    protected abstract string Release(StringBuilder pending, PostprocessorContext context, bool final, ICollection<PostprocessorFinding> findings);

    private static ChatResponseUpdate Copy(ChatResponseUpdate source, string text) => new(source.Role ?? ChatRole.Assistant, text)
    {
        AuthorName = source.AuthorName,
        ResponseId = source.ResponseId,
        MessageId = source.MessageId,
        ModelId = source.ModelId,
        CreatedAt = source.CreatedAt,
        ConversationId = source.ConversationId,
    };

    private static ChatResponseUpdate? WithoutText(ChatResponseUpdate source)
    {
        List<AIContent> others = [.. source.Contents.Where(c => c is not TextContent)];
        if (others.Count == 0 && source.FinishReason is null && source.AdditionalProperties is not { Count: > 0 })
        {
            return null;
        }

        return new ChatResponseUpdate(source.Role ?? ChatRole.Assistant, others)
        {
            AuthorName = source.AuthorName,
            ResponseId = source.ResponseId,
            MessageId = source.MessageId,
            ModelId = source.ModelId,
            CreatedAt = source.CreatedAt,
            ConversationId = source.ConversationId,
            FinishReason = source.FinishReason,
            AdditionalProperties = source.AdditionalProperties,
        };
    }
}
