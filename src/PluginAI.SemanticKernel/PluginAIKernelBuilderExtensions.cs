using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using PluginAI.Runtime.Chat;
using PluginAI.Runtime.Knowledge;
using PluginAI.SemanticKernel;

namespace Microsoft.SemanticKernel;

/// <summary>Registers PluginAI's models and knowledge bases with a Semantic Kernel <see cref="IKernelBuilder"/>.</summary>
public static class PluginAIKernelBuilderExtensions
{
    /// <summary>
    /// Adds a PluginAI chat model, embedding model and knowledge base to a kernel: the chat model as the kernel's
    /// <see cref="IChatClient"/>, the embedding model as its <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>, and the
    /// knowledge base as a plugin whose <c>search</c> function returns numbered passages with their sources.
    /// </summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="chat">A chat model taken from the model pool (<c>ChatService.OpenAsync</c>), or <see langword="null"/>; its client runs the postprocessors.</param>
    /// <param name="knowledgeBase">An open knowledge base, or <see langword="null"/>; its embedding model is registered too.</param>
    /// <param name="pluginName">The name of the knowledge-base plugin in prompts, as in <c>{{knowledge.search $question}}</c>.</param>
    /// <returns>The builder.</returns>
    /// <remarks>The caller owns the model and the knowledge base and disposes them after the kernel.</remarks>
    public static IKernelBuilder AddPluginAI(this IKernelBuilder builder, ChatSession? chat = null, KnowledgeBaseSession? knowledgeBase = null, string pluginName = "knowledge")
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (chat is not null)
        {
            builder.Services.AddSingleton(chat.Client);
        }

        if (knowledgeBase is not null)
        {
            builder.Services.AddSingleton(knowledgeBase.Embedder.Model.EmbeddingGenerator!);
            builder.Plugins.AddFromObject(new KnowledgeBaseSearchPlugin(knowledgeBase), pluginName);
        }

        return builder;
    }
}
