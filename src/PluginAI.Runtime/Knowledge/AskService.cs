using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using PluginAI.Backends;
using PluginAI.Processing;
using PluginAI.Retrieval;
using PluginAI.Runtime.Chat;
using PluginAI.Runtime.Models;

namespace PluginAI.Runtime.Knowledge;

/// <summary>
/// The ask use case, the question flow of PluginAI: question → preprocessors (before retrieval) → retriever →
/// preprocessors (prompt template) → model (streaming) → postprocessors (streaming). Without a model the answer is
/// extractive: the best passages, quoted with numbered citations.
/// </summary>
public sealed class AskService
{
    private readonly PluginHostProvider _hosts;
    private readonly KnowledgeBaseService _knowledgeBases;
    private readonly ModelPool _pool;
    private readonly ModelService _models;

    /// <summary>Initializes a new instance of the <see cref="AskService"/> class.</summary>
    /// <param name="hosts">The host with the pre- and postprocessors.</param>
    /// <param name="knowledgeBases">Where passages come from.</param>
    /// <param name="pool">Where the model comes from.</param>
    /// <param name="models">The default-model rule.</param>
    public AskService(PluginHostProvider hosts, KnowledgeBaseService knowledgeBases, ModelPool pool, ModelService models)
    {
        _hosts = hosts;
        _knowledgeBases = knowledgeBases;
        _pool = pool;
        _models = models;
    }

    /// <summary>Answers a question from a knowledge base.</summary>
    /// <param name="request">The question and how to answer it; <see cref="AskRequest.Model"/> is ignored when a client is given.</param>
    /// <param name="chatClient">A client of the caller's that writes the answer instead of a pooled model, or <see langword="null"/> to apply the default-model rule.</param>
    /// <param name="cancellationToken">A token to cancel the answer, streaming included.</param>
    /// <returns>The answer, ready to stream; dispose it when done.</returns>
    /// <exception cref="PluginException">The knowledge base does not exist, the template cannot be read, or the model cannot be loaded.</exception>
    public async Task<Answer> AskAsync(AskRequest request, IChatClient? chatClient = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Question);
        var settings = new AdditionalPropertiesDictionary();
        foreach (var (key, value) in request.Settings)
        {
            settings[key] = value;
        }

        if (request.TemplateFile is { } templateFile)
        {
            settings["template"] = await ReadTemplateAsync(templateFile, cancellationToken).ConfigureAwait(false);
        }

        var host = await _hosts.GetAsync(cancellationToken).ConfigureAwait(false);
        var session = await _knowledgeBases.OpenAsync(request.KnowledgeBase, cancellationToken: cancellationToken).ConfigureAwait(false);
        ModelLease? model = null;
        try
        {
            var modelName = request.Extractive || chatClient is not null ? null : _models.ResolveChatModel(request.Model);
            model = modelName is null ? null : await _pool.AcquireAsync(modelName, ModelCapabilities.Chat, request.Plan, cancellationToken).ConfigureAwait(false);
            var preprocessors = host.GetPreprocessors();
            var prompt = new PromptContext { Question = request.Question, Stage = PromptStage.BeforeRetrieval, AdditionalProperties = settings };
            prompt = await RunPromptAsync(preprocessors, prompt, cancellationToken).ConfigureAwait(false);
            var search = new SearchRequest { Query = prompt.SearchText ?? prompt.Question, Top = request.Top, Mode = request.Mode, PathGlob = request.PathGlob };
            var passages = await SearchService.SearchSessionAsync(session, search, cancellationToken).ConfigureAwait(false);
            prompt = await RunPromptAsync(preprocessors, prompt with { Stage = PromptStage.AfterRetrieval, Passages = passages }, cancellationToken).ConfigureAwait(false);
            var messages = prompt.Messages.Count > 0 ? prompt.Messages : [new ChatMessage(ChatRole.User, DefaultPrompt(prompt.Question, passages))];
            var context = new PostprocessorContext { Messages = messages, Sources = passages };
            var chain = new PostprocessorChain(host.GetPostprocessors());
            var client = chatClient ?? model?.Model.ChatClient;
            var modelId = model?.Model.Metadata.ModelId ?? (chatClient is null ? null : chatClient.GetService<ChatClientMetadata>()?.DefaultModelId ?? chatClient.GetType().Name);
            var source = client is not null
                ? client.GetStreamingResponseAsync(messages, request.ChatOptions, cancellationToken)
                : Extract(passages, cancellationToken);
            var findings = new List<PostprocessorFinding>();
            return new Answer(session, model, modelId, passages, chain.ProcessWithFindingsAsync(source, context, findings, cancellationToken), context, findings);
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            if (model is not null)
            {
                await model.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    private static async Task<string> ReadTemplateAsync(string path, CancellationToken cancellationToken)
    {
        const long MaxTemplateBytes = 1024 * 1024;
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new PluginException($"{info.FullName}: the template file does not exist.") { FilePath = info.FullName, ErrorCode = "template.missing" };
        }

        if (info.Length > MaxTemplateBytes)
        {
            throw new PluginException($"{info.FullName}: the template is {info.Length} bytes; expected at most {MaxTemplateBytes}.") { FilePath = info.FullName, ErrorCode = "template.too-large" };
        }

        return await File.ReadAllTextAsync(info.FullName, cancellationToken).ConfigureAwait(false);
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
