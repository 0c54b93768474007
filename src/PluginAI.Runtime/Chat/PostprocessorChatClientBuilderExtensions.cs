using PluginAI.Processing;
using PluginAI.Runtime.Chat;

namespace Microsoft.Extensions.AI;

/// <summary>Adds PluginAI's postprocessors to a <see cref="ChatClientBuilder"/> pipeline.</summary>
public static class PostprocessorChatClientBuilderExtensions
{
    /// <summary>Passes every response of the pipeline through a postprocessor chain (redaction, citation checks, …).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="chain">The postprocessors, in the order they run.</param>
    /// <param name="contextFactory">Creates each request's context; defaults to one with the messages and no sources.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UsePostprocessors(this ChatClientBuilder builder, PostprocessorChain chain, Func<IEnumerable<ChatMessage>, PostprocessorContext>? contextFactory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(chain);
        return builder.Use(inner => chain.Postprocessors.Count == 0 ? inner : new PostprocessingChatClient(inner, chain, contextFactory));
    }

    /// <summary>Passes every response of the pipeline through postprocessors.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="postprocessors">The postprocessors, in the order they run.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UsePostprocessors(this ChatClientBuilder builder, IEnumerable<IPostprocessor> postprocessors) =>
        builder.UsePostprocessors(new PostprocessorChain(postprocessors));
}
