using System.Runtime.CompilerServices;
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

    /// <summary>
    /// Transforms a stream of updates through every postprocessor and takes the postprocessors' findings out of it:
    /// each <see cref="PostprocessorFindingContent"/> goes to <paramref name="findings"/> instead of the caller.
    /// </summary>
    /// <param name="updates">The model's updates.</param>
    /// <param name="context">The request and the sources.</param>
    /// <param name="findings">Receives the findings as the stream is read.</param>
    /// <param name="cancellationToken">A token to cancel the stream.</param>
    /// <returns>The final updates, without findings; an update that carried only findings is left out.</returns>
    public IAsyncEnumerable<ChatResponseUpdate> ProcessWithFindingsAsync(IAsyncEnumerable<ChatResponseUpdate> updates, PostprocessorContext context, ICollection<PostprocessorFinding> findings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(findings);

        // Without postprocessors nothing can be found: the model's stream goes out as it is, with no extra step per token.
        return _postprocessors.Count == 0 ? updates : TakeFindings(ProcessAsync(updates, context, cancellationToken), findings, cancellationToken);
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> TakeFindings(IAsyncEnumerable<ChatResponseUpdate> updates, ICollection<PostprocessorFinding> findings, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var update in updates.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (!HasFindings(update))
            {
                yield return update;
                continue;
            }

            foreach (var finding in update.Contents.OfType<PostprocessorFindingContent>())
            {
                findings.Add(finding.Finding);
            }

            update.Contents = [.. update.Contents.Where(c => c is not PostprocessorFindingContent)];
            if (update.Contents.Count > 0 || update.FinishReason is not null)
            {
                yield return update;
            }
        }
    }

    private static bool HasFindings(ChatResponseUpdate update)
    {
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is PostprocessorFindingContent)
            {
                return true;
            }
        }

        return false;
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
