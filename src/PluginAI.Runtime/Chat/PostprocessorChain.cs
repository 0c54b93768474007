using Microsoft.Extensions.AI;
using PluginAI.Processing;

namespace PluginAI.Runtime.Chat;

/// <summary>Runs postprocessors as one chain: the output stream of each is the input stream of the next.</summary>
public sealed class PostprocessorChain
{
    private readonly IReadOnlyList<IPostprocessor> _postprocessors;

    /// <summary>Initializes a new instance of the <see cref="PostprocessorChain"/> class.</summary>
    /// <param name="postprocessors">The postprocessors, in the order they run.</param>
    public PostprocessorChain(IEnumerable<IPostprocessor> postprocessors)
    {
        ArgumentNullException.ThrowIfNull(postprocessors);
        _postprocessors = [.. postprocessors];
    }

    /// <summary>Gets the postprocessors, in the order they run.</summary>
    public IReadOnlyList<IPostprocessor> Postprocessors => _postprocessors;

    /// <summary>Transforms a stream of updates through every postprocessor.</summary>
    /// <param name="updates">The model's updates.</param>
    /// <param name="context">The request, the sources and where findings go.</param>
    /// <param name="cancellationToken">A token to cancel the stream.</param>
    /// <returns>The final updates.</returns>
    public IAsyncEnumerable<ChatResponseUpdate> ProcessAsync(IAsyncEnumerable<ChatResponseUpdate> updates, PostprocessorContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        ArgumentNullException.ThrowIfNull(context);
        foreach (var postprocessor in _postprocessors)
        {
            updates = postprocessor.ProcessAsync(updates, context, cancellationToken);
        }

        return updates;
    }

    /// <summary>Transforms a complete text through every postprocessor.</summary>
    /// <param name="text">The text.</param>
    /// <param name="context">The request, the sources and where findings go.</param>
    /// <param name="cancellationToken">A token to cancel the work.</param>
    /// <returns>The final text.</returns>
    public async Task<string> ProcessTextAsync(string text, PostprocessorContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new System.Text.StringBuilder();
        await foreach (var update in ProcessAsync(Single(text), context, cancellationToken).ConfigureAwait(false))
        {
            result.Append(update.Text);
        }

        return result.ToString();
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Single(string text)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield return new ChatResponseUpdate(ChatRole.Assistant, text);
    }
}
