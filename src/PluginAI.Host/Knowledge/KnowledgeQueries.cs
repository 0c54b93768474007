using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using PluginAI.Host.Pipelines;
using PluginAI.Processing;
using PluginAI.Retrieval;

namespace PluginAI.Host.Knowledge;

/// <summary>Searches a knowledge base and answers questions from it: the question flow of PluginAI.</summary>
/// <remarks>
/// question → preprocessors (before retrieval) → retriever → preprocessors (prompt template) → model (streaming) →
/// postprocessors (streaming). Without a model the answer is extractive: the best passages, quoted with citations.
/// </remarks>
public static class KnowledgeQueries
{
    /// <summary>Searches a knowledge base.</summary>
    /// <param name="session">The open knowledge base.</param>
    /// <param name="text">The query.</param>
    /// <param name="top">How many passages to return.</param>
    /// <param name="mode">How to rank.</param>
    /// <param name="pathGlob">A glob source paths must match, or <see langword="null"/>.</param>
    /// <param name="mediaTypes">Media types to search, or empty for all.</param>
    /// <param name="cancellationToken">A token to cancel the search.</param>
    /// <returns>The passages, best first.</returns>
    public static async Task<IReadOnlyList<RetrievedPassage>> SearchAsync(KnowledgeBaseSession session, string text, int top = 5, SearchMode mode = SearchMode.Hybrid, string? pathGlob = null, IReadOnlyList<string>? mediaTypes = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var embedding = mode == SearchMode.Keyword
            ? ReadOnlyMemory<float>.Empty
            : (await session.Embedder.Model.EmbeddingGenerator!.GenerateAsync([text], cancellationToken: cancellationToken).ConfigureAwait(false))[0].Vector;
        return await session.Store.SearchAsync(
            new RetrievalQuery { Text = text, Embedding = embedding, Top = top, Mode = mode, PathGlob = pathGlob, MediaTypes = mediaTypes ?? [] },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Answers a question from a knowledge base.</summary>
    /// <param name="host">The host with the plugins.</param>
    /// <param name="session">The open knowledge base.</param>
    /// <param name="question">The question.</param>
    /// <param name="options">How to answer.</param>
    /// <param name="cancellationToken">A token to cancel the answer.</param>
    /// <returns>The answer, ready to stream.</returns>
    public static async Task<Answer> AskAsync(PluginHost host, KnowledgeBaseSession session, string question, AskOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentException.ThrowIfNullOrWhiteSpace(question);
        options ??= new AskOptions();
        var preprocessors = host.GetPreprocessors();
        var prompt = new PromptContext { Question = question, Stage = PromptStage.BeforeRetrieval, AdditionalProperties = options.Settings };
        prompt = await RunPromptAsync(preprocessors, prompt, cancellationToken).ConfigureAwait(false);
        var passages = await SearchAsync(session, prompt.SearchText ?? prompt.Question, options.Top, options.Mode, options.PathGlob, cancellationToken: cancellationToken).ConfigureAwait(false);
        prompt = await RunPromptAsync(preprocessors, prompt with { Stage = PromptStage.AfterRetrieval, Passages = passages }, cancellationToken).ConfigureAwait(false);
        var messages = prompt.Messages.Count > 0 ? prompt.Messages : [new ChatMessage(ChatRole.User, DefaultPrompt(prompt.Question, passages))];
        var context = new PostprocessorContext { Messages = messages, Sources = passages };
        var chain = new PostprocessorChain(host.GetPostprocessors());
        var source = options.ChatClient is { } chat
            ? chat.GetStreamingResponseAsync(messages, options.ChatOptions, cancellationToken)
            : Extract(passages, cancellationToken);
        return new Answer(passages, chain.ProcessAsync(source, context, cancellationToken), context, options.ChatClient is null);
    }

    private static async Task<PromptContext> RunPromptAsync(IReadOnlyList<IPreprocessor> preprocessors, PromptContext prompt, CancellationToken cancellationToken)
    {
        foreach (var preprocessor in preprocessors)
        {
            prompt = await preprocessor.ProcessPromptAsync(prompt, cancellationToken).ConfigureAwait(false);
        }

        return prompt;
    }

    private static string DefaultPrompt(string question, IReadOnlyList<RetrievedPassage> passages)
    {
        var text = new StringBuilder("Answer from these sources and cite them as [n].\n\n");
        for (var i = 0; i < passages.Count; i++)
        {
            text.Append('[').Append(i + 1).Append("] ").AppendLine(passages[i].SourcePath).AppendLine(passages[i].Text.Trim()).AppendLine();
        }

        return text.Append("Question: ").Append(question).ToString();
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Extract(IReadOnlyList<RetrievedPassage> passages, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        if (passages.Count == 0)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, "Nothing in the knowledge base matches the question.");
            yield break;
        }

        yield return new ChatResponseUpdate(ChatRole.Assistant, "The most relevant passages in your documents:\n");
        for (var i = 0; i < Math.Min(3, passages.Count); i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(ChatRole.Assistant, $"\n{Excerpt(passages[i].Text)} [{i + 1}]\n");
        }
    }

    private static string Excerpt(string text)
    {
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= 600 ? flat : flat[..flat.LastIndexOf(' ', 600)] + " …";
    }
}
