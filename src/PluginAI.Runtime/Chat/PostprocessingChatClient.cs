using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using PluginAI.Processing;

namespace PluginAI.Runtime.Chat;

/// <summary>A chat client middleware that passes every response through a <see cref="PostprocessorChain"/>.</summary>
/// <remarks>
/// Fits into a <c>ChatClientBuilder</c> pipeline like any other middleware, so an application that already speaks
/// <see cref="IChatClient"/> gets redaction and citation checks without other changes.
/// </remarks>
public sealed class PostprocessingChatClient : DelegatingChatClient
{
    private readonly PostprocessorChain _chain;
    private readonly Func<IEnumerable<ChatMessage>, PostprocessorContext> _contextFactory;

    /// <summary>Initializes a new instance of the <see cref="PostprocessingChatClient"/> class.</summary>
    /// <param name="innerClient">The client whose responses are processed.</param>
    /// <param name="chain">The postprocessors.</param>
    /// <param name="contextFactory">Creates the context of a request; defaults to one with the messages and no sources.</param>
    public PostprocessingChatClient(IChatClient innerClient, PostprocessorChain chain, Func<IEnumerable<ChatMessage>, PostprocessorContext>? contextFactory = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(chain);
        _chain = chain;
        _contextFactory = contextFactory ?? (messages => new PostprocessorContext { Messages = [.. messages] });
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder();
        ChatResponseUpdate? last = null;
        await foreach (var update in GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            text.Append(update.Text);
            last = update;
        }

        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text.ToString()))
        {
            ResponseId = last?.ResponseId,
            ModelId = last?.ModelId,
            FinishReason = last?.FinishReason,
        };
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var context = _contextFactory(list);
        await foreach (var update in _chain.ProcessAsync(base.GetStreamingResponseAsync(list, options, cancellationToken), context, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }
}
