using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using PluginAI.Backends;
using PluginAI.Host.Activation;
using PluginAI.Processing;
using PluginAI.Retrieval;
using StreamJsonRpc;

namespace PluginAI.Host.Workers;

/// <summary>The worker's side of the protocol: the plugin's contracts, served by handle and index.</summary>
/// <remarks>Every method turns what the plugin throws into a <see cref="WireError"/>, so that the host rethrows it as it was.</remarks>
internal sealed class WorkerEndpoint(WorkerStartInfo start, ActivatedPlugin? plugin, string? activationError)
{
    private readonly ConcurrentDictionary<int, ILoadedModel> _models = new();
    private readonly ConcurrentDictionary<int, IKnowledgeBase> _bases = new();
    private int _nextHandle;

    /// <summary>Gets or sets the connection to the host, for what the worker asks of it.</summary>
    public JsonRpc? Host { get; set; }

    private ActivatedPlugin Plugin => plugin ?? throw new PluginException($"The plugin '{start.PluginId}' is not loaded in its worker: {activationError}");

    public WorkerHello Hello(int protocolVersion) => new()
    {
        ProtocolVersion = WorkerProtocol.Version,
        PluginId = start.PluginId,
        ProcessId = Environment.ProcessId,
        Error = protocolVersion != WorkerProtocol.Version
            ? $"the host speaks worker protocol {protocolVersion} and this worker {WorkerProtocol.Version}; install matching versions"
            : activationError,
        Backends = plugin is null ? [] : [.. plugin.Backends.Select(b => b.Metadata)],
        Preprocessors = plugin is null ? [] : [.. plugin.Preprocessors.Select(p => p.Metadata)],
        Postprocessors = plugin is null ? [] : [.. plugin.Postprocessors.Select(p => p.Metadata)],
        Retrievers = plugin is null ? [] : [.. plugin.Retrievers.Select(r => r.Metadata)],
    };

    public long Ping() => Environment.WorkingSet;

    public bool CanLoad(int backend, string modelPath) => Guard(() => Backend(backend).CanLoad(modelPath));

    public Task<WireModel> LoadModel(int backend, ModelLoadRequest request, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var model = await Backend(backend).LoadModelAsync(request, cancellationToken).ConfigureAwait(false);
        var handle = Interlocked.Increment(ref _nextHandle);
        _models[handle] = model;
        var chat = model.ChatClient?.GetService<ChatClientMetadata>();
        var embedding = model.EmbeddingGenerator?.GetService<EmbeddingGeneratorMetadata>();
        return new WireModel
        {
            Handle = handle,
            Metadata = model.Metadata,
            Chat = model.ChatClient is not null,
            ChatProvider = chat?.ProviderName,
            Embeddings = model.EmbeddingGenerator is not null,
            EmbeddingProvider = embedding?.ProviderName,
            EmbeddingDimensions = embedding?.DefaultModelDimensions,
            TokenCounter = model.EmbeddingGenerator?.GetService<ITokenCounter>() is not null,
        };
    });

    public Task<bool> UnloadModel(int handle) => GuardAsync(async () =>
    {
        if (_models.TryRemove(handle, out var model))
        {
            await model.DisposeAsync().ConfigureAwait(false);
        }

        return true;
    });

    public Task<ChatResponse> Chat(int handle, ChatMessage[] messages, WireChatOptions? options, CancellationToken cancellationToken) =>
        GuardAsync(() => ChatClient(handle).GetResponseAsync(messages, options?.ToOptions(), cancellationToken));

    public IAsyncEnumerable<ChatResponseUpdate> ChatStream(int handle, ChatMessage[] messages, WireChatOptions? options)
    {
        var client = Guard(() => ChatClient(handle));
        return GuardStream(ct => client.GetStreamingResponseAsync(messages, options?.ToOptions(), ct)).WithJsonRpcSettings(new JsonRpcEnumerableSettings { MaxReadAhead = WorkerProtocol.ReadAhead });
    }

    public Task<byte[][]> Embed(int handle, string[] values, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var generator = Model(handle).EmbeddingGenerator ?? throw new PluginException($"The model of handle {handle} does not embed.");
        var embeddings = await generator.GenerateAsync(values, cancellationToken: cancellationToken).ConfigureAwait(false);
        return embeddings.Select(e => WorkerProtocol.ToBytes(e.Vector)).ToArray();
    });

    public int CountTokens(int handle, string text) => Guard(() =>
        (Model(handle).EmbeddingGenerator?.GetService<ITokenCounter>() ?? throw new PluginException($"The model of handle {handle} counts no tokens.")).CountTokens(text));

    public Task<DocumentContent> ProcessDocument(int index, DocumentContent document, CancellationToken cancellationToken) =>
        GuardAsync(() => Plugin.Preprocessors[index].ProcessDocumentAsync(document, cancellationToken));

    public Task<PromptContext> ProcessPrompt(int index, PromptContext prompt, CancellationToken cancellationToken) =>
        GuardAsync(() => Plugin.Preprocessors[index].ProcessPromptAsync(prompt, cancellationToken));

    /// <summary>Runs a postprocessor over a stream the host offers (<see cref="HostCallbacks.Offer"/>), taken from the host in batches.</summary>
    public IAsyncEnumerable<ChatResponseUpdate> Postprocess(int index, long input, PostprocessorContext context)
    {
        var postprocessor = Guard(() => Plugin.Postprocessors[index]);
        return GuardStream(ct => postprocessor.ProcessAsync(TakeFromHost(input, ct), context, ct)).WithJsonRpcSettings(new JsonRpcEnumerableSettings { MaxReadAhead = WorkerProtocol.ReadAhead });
    }

    private async IAsyncEnumerable<ChatResponseUpdate> TakeFromHost(long input, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var host = Host ?? throw new InvalidOperationException("The worker is not connected to its host.");
        while (await host.InvokeWithCancellationAsync<ChatResponseUpdate[]?>(HostCallbacks.TakeUpdatesMethod, [input], cancellationToken).ConfigureAwait(false) is { } batch)
        {
            foreach (var update in batch)
            {
                yield return update;
            }
        }
    }

    public Task<int> OpenKnowledgeBase(int index, KnowledgeBaseOptions options, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var knowledgeBase = await Plugin.Retrievers[index].OpenAsync(options, cancellationToken).ConfigureAwait(false);
        var handle = Interlocked.Increment(ref _nextHandle);
        _bases[handle] = knowledgeBase;
        return handle;
    });

    public Task<bool> CloseKnowledgeBase(int handle) => GuardAsync(async () =>
    {
        if (_bases.TryRemove(handle, out var knowledgeBase))
        {
            await knowledgeBase.DisposeAsync().ConfigureAwait(false);
        }

        return true;
    });

    public Task<bool> UpsertDocument(int handle, DocumentContent document, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            await Base(handle).UpsertDocumentAsync(document, cancellationToken).ConfigureAwait(false);
            return true;
        });

    public Task<bool> RemoveDocument(int handle, string sourcePath, CancellationToken cancellationToken) =>
        GuardAsync(() => Base(handle).RemoveDocumentAsync(sourcePath, cancellationToken));

    public IAsyncEnumerable<KnowledgeDocumentInfo> ListDocuments(int handle)
    {
        var knowledgeBase = Guard(() => Base(handle));
        return GuardStream(knowledgeBase.ListDocumentsAsync).WithJsonRpcSettings(new JsonRpcEnumerableSettings { MaxReadAhead = WorkerProtocol.ReadAhead, MinBatchSize = 16 });
    }

    public Task<RetrievedPassage[]> Search(int handle, RetrievalQuery query, CancellationToken cancellationToken) =>
        GuardAsync(async () => (await Base(handle).SearchAsync(query, cancellationToken).ConfigureAwait(false)).ToArray());

    public Task<KnowledgeBaseStatistics> GetStatistics(int handle, CancellationToken cancellationToken) =>
        GuardAsync(() => Base(handle).GetStatisticsAsync(cancellationToken));

    public Task<KeywordStatistics?> GetKeywordStatistics(int handle, string text, CancellationToken cancellationToken) =>
        GuardAsync(() => Base(handle).GetKeywordStatisticsAsync(text, cancellationToken));

    private static T Guard<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw ToRemote(ex);
        }
    }

    private static async Task<T> GuardAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw ToRemote(ex);
        }
    }

    private static async IAsyncEnumerable<T> GuardStream<T>(Func<CancellationToken, IAsyncEnumerable<T>> call, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        IAsyncEnumerator<T> enumerator;
        try
        {
            enumerator = call(cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw ToRemote(ex);
        }

        await using (enumerator.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    throw ToRemote(ex);
                }

                yield return enumerator.Current;
            }
        }
    }

    private static LocalRpcException ToRemote(Exception ex)
    {
        var error = new WireError
        {
            Type = ex.GetType().FullName ?? ex.GetType().Name,
            Message = ex.Message,
            ErrorCode = (ex as PluginException)?.ErrorCode,
            FilePath = (ex as PluginException)?.FilePath,
        };
        return new LocalRpcException(ex.Message) { ErrorCode = WorkerProtocol.RemoteErrorCode, ErrorData = error };
    }

    private IInferenceBackend Backend(int index) => Plugin.Backends[index];

    private ILoadedModel Model(int handle) =>
        _models.TryGetValue(handle, out var model) ? model : throw new PluginException($"No model with handle {handle} is loaded in this worker.");

    private IChatClient ChatClient(int handle) => Model(handle).ChatClient ?? throw new PluginException($"The model of handle {handle} does not chat.");

    private IKnowledgeBase Base(int handle) =>
        _bases.TryGetValue(handle, out var knowledgeBase) ? knowledgeBase : throw new PluginException($"No knowledge base with handle {handle} is open in this worker.");
}
