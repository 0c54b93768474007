using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using PluginAI.Backends;
using PluginAI.Processing;
using PluginAI.Retrieval;

namespace PluginAI.Host.Workers;

/// <summary>A backend in a worker process, seen from the host.</summary>
internal sealed class WorkerBackend(PluginWorker worker, int index, BackendMetadata metadata) : IInferenceBackend
{
    public BackendMetadata Metadata { get; } = metadata;

    public bool CanLoad(string modelPath)
    {
        var connection = worker.GetAsync(CancellationToken.None).GetAwaiter().GetResult();
        return worker.InvokeAsync<bool>(connection, nameof(WorkerEndpoint.CanLoad), [index, modelPath], null, CancellationToken.None).GetAwaiter().GetResult();
    }

    public async Task<ILoadedModel> LoadModelAsync(ModelLoadRequest request, CancellationToken cancellationToken = default)
    {
        var model = new WorkerLoadedModel(worker, index, request);
        await model.EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        return model;
    }
}

/// <summary>
/// A model loaded in a worker process. It remembers how it was loaded, so that after the worker restarts the next call
/// loads it again in the new process before it runs.
/// </summary>
internal sealed class WorkerLoadedModel : ILoadedModel
{
    private readonly PluginWorker _worker;
    private readonly int _backend;
    private readonly ModelLoadRequest _request;
    private readonly SemaphoreSlim _loading = new(1, 1);
    private WireModel? _model;
    private int _generation = -1;
    private bool _disposed;

    public WorkerLoadedModel(PluginWorker worker, int backend, ModelLoadRequest request)
    {
        _worker = worker;
        _backend = backend;
        _request = request;
    }

    public ModelMetadata Metadata => _model?.Metadata ?? throw new InvalidOperationException("The model is not loaded yet.");

    public IChatClient? ChatClient { get; private set; }

    public IEmbeddingGenerator<string, Embedding<float>>? EmbeddingGenerator { get; private set; }

    public PluginWorker Worker => _worker;

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    /// <summary>Gets the running worker and this model's handle in it, loading the model there first when the worker is new.</summary>
    public async Task<(PluginWorker.Connection Connection, int Handle)> EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        var connection = await _worker.GetAsync(cancellationToken).ConfigureAwait(false);
        if (connection.Generation == Volatile.Read(ref _generation) && _model is { } loaded)
        {
            return (connection, loaded.Handle);
        }

        await _loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (connection.Generation != _generation || _model is null)
            {
                var model = await _worker.InvokeAsync<WireModel>(connection, nameof(WorkerEndpoint.LoadModel), [_backend, _request], _worker.LoadTimeout, cancellationToken).ConfigureAwait(false);
                if (_model is null)
                {
                    ChatClient = model.Chat ? new WorkerChatClient(this, model) : null;
                    EmbeddingGenerator = model.Embeddings ? new WorkerEmbeddingGenerator(this, model) : null;
                }

                _model = model;
                Volatile.Write(ref _generation, connection.Generation);
            }

            return (connection, _model.Handle);
        }
        finally
        {
            _loading.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _loading.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_model is { } model)
            {
                try
                {
                    var connection = await _worker.GetAsync(CancellationToken.None).ConfigureAwait(false);
                    if (connection.Generation == _generation)
                    {
                        await _worker.InvokeAsync<bool>(connection, nameof(WorkerEndpoint.UnloadModel), [model.Handle], null, CancellationToken.None).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is PluginException or ObjectDisposedException)
                {
                    // The worker is gone or faulted: its models went with it.
                }
            }
        }
        finally
        {
            _loading.Release();
        }
    }
}

internal sealed class WorkerChatClient(WorkerLoadedModel model, WireModel wire) : IChatClient
{
    private readonly ChatClientMetadata _metadata = new(wire.ChatProvider, defaultModelId: wire.Metadata.ModelId);

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var sent = messages.ToArray();
        var wireOptions = WireChatOptions.From(options);
        var (connection, handle) = await model.EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        return await model.Worker.InvokeAsync<ChatResponse>(connection, nameof(WorkerEndpoint.Chat), [handle, sent, wireOptions], null, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var sent = messages.ToArray();
        var wireOptions = WireChatOptions.From(options);
        var (connection, handle) = await model.EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var update in model.Worker.StreamAsync<ChatResponseUpdate>(connection, nameof(WorkerEndpoint.ChatStream), [handle, sent, wireOptions], cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }
}

internal sealed class WorkerEmbeddingGenerator(WorkerLoadedModel model, WireModel wire) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingGeneratorMetadata _metadata = new(wire.EmbeddingProvider, defaultModelId: wire.Metadata.ModelId, defaultModelDimensions: wire.EmbeddingDimensions);
    private readonly TokenCounter? _counter = wire.TokenCounter ? new TokenCounter(model) : null;

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var inputs = values.ToArray();
        var (connection, handle) = await model.EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        var vectors = await model.Worker.InvokeAsync<byte[][]>(connection, nameof(WorkerEndpoint.Embed), [handle, inputs], null, cancellationToken).ConfigureAwait(false);
        return [.. vectors.Select(v => new Embedding<float>(WorkerProtocol.ToFloats(v)) { ModelId = wire.Metadata.ModelId })];
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : serviceType == typeof(ITokenCounter) ? _counter
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }

    /// <summary>Counts with the model's tokenizer in the worker: one round trip a call.</summary>
    private sealed class TokenCounter(WorkerLoadedModel model) : ITokenCounter
    {
        public int CountTokens(string text)
        {
            var (connection, handle) = model.EnsureLoadedAsync(CancellationToken.None).GetAwaiter().GetResult();
            return model.Worker.InvokeAsync<int>(connection, nameof(WorkerEndpoint.CountTokens), [handle, text], null, CancellationToken.None).GetAwaiter().GetResult();
        }
    }
}

internal sealed class WorkerPreprocessor(PluginWorker worker, int index, PreprocessorMetadata metadata) : IPreprocessor
{
    public PreprocessorMetadata Metadata { get; } = metadata;

    public async Task<DocumentContent> ProcessDocumentAsync(DocumentContent document, CancellationToken cancellationToken = default)
    {
        var connection = await worker.GetAsync(cancellationToken).ConfigureAwait(false);
        return await worker.InvokeAsync<DocumentContent>(connection, nameof(WorkerEndpoint.ProcessDocument), [index, document], null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<PromptContext> ProcessPromptAsync(PromptContext prompt, CancellationToken cancellationToken = default)
    {
        var connection = await worker.GetAsync(cancellationToken).ConfigureAwait(false);
        return await worker.InvokeAsync<PromptContext>(connection, nameof(WorkerEndpoint.ProcessPrompt), [index, prompt], null, cancellationToken).ConfigureAwait(false);
    }
}

internal sealed class WorkerPostprocessor(PluginWorker worker, int index, PostprocessorMetadata metadata) : IPostprocessor
{
    public PostprocessorMetadata Metadata { get; } = metadata;

    public async IAsyncEnumerable<ChatResponseUpdate> ProcessAsync(IAsyncEnumerable<ChatResponseUpdate> updates, PostprocessorContext context, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var connection = await worker.GetAsync(cancellationToken).ConfigureAwait(false);
        var (input, offer) = connection.Callbacks.Offer(updates, cancellationToken);
        await using (offer.ConfigureAwait(false))
        {
            await foreach (var update in worker.StreamAsync<ChatResponseUpdate>(connection, nameof(WorkerEndpoint.Postprocess), [index, input, context], cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }
        }
    }
}

internal sealed class WorkerRetriever(PluginWorker worker, int index, RetrieverMetadata metadata) : IRetriever
{
    public RetrieverMetadata Metadata { get; } = metadata;

    public async Task<IKnowledgeBase> OpenAsync(KnowledgeBaseOptions options, CancellationToken cancellationToken = default)
    {
        var knowledgeBase = new WorkerKnowledgeBase(worker, index, options);
        await knowledgeBase.EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        return knowledgeBase;
    }
}

/// <summary>A knowledge base open in a worker process; opened again in a restarted worker on first use.</summary>
internal sealed class WorkerKnowledgeBase(PluginWorker worker, int retriever, KnowledgeBaseOptions options) : IKnowledgeBase
{
    private readonly SemaphoreSlim _opening = new(1, 1);
    private int _handle;
    private int _generation = -1;

    public string Name => options.Name;

    public async Task<(PluginWorker.Connection Connection, int Handle)> EnsureOpenAsync(CancellationToken cancellationToken)
    {
        var connection = await worker.GetAsync(cancellationToken).ConfigureAwait(false);
        if (connection.Generation == Volatile.Read(ref _generation))
        {
            return (connection, _handle);
        }

        await _opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (connection.Generation != _generation)
            {
                _handle = await worker.InvokeAsync<int>(connection, nameof(WorkerEndpoint.OpenKnowledgeBase), [retriever, options], null, cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _generation, connection.Generation);
            }

            return (connection, _handle);
        }
        finally
        {
            _opening.Release();
        }
    }

    public async Task UpsertDocumentAsync(DocumentContent document, CancellationToken cancellationToken = default)
    {
        var (connection, handle) = await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        await worker.InvokeAsync<bool>(connection, nameof(WorkerEndpoint.UpsertDocument), [handle, document], null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> RemoveDocumentAsync(string sourcePath, CancellationToken cancellationToken = default)
    {
        var (connection, handle) = await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        return await worker.InvokeAsync<bool>(connection, nameof(WorkerEndpoint.RemoveDocument), [handle, sourcePath], null, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<KnowledgeDocumentInfo> ListDocumentsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (connection, handle) = await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var document in worker.StreamAsync<KnowledgeDocumentInfo>(connection, nameof(WorkerEndpoint.ListDocuments), [handle], cancellationToken).ConfigureAwait(false))
        {
            yield return document;
        }
    }

    public async Task<IReadOnlyList<RetrievedPassage>> SearchAsync(RetrievalQuery query, CancellationToken cancellationToken = default)
    {
        var (connection, handle) = await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        return await worker.InvokeAsync<RetrievedPassage[]>(connection, nameof(WorkerEndpoint.Search), [handle, query], null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<KnowledgeBaseStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default)
    {
        var (connection, handle) = await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        return await worker.InvokeAsync<KnowledgeBaseStatistics>(connection, nameof(WorkerEndpoint.GetStatistics), [handle], null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<KeywordStatistics?> GetKeywordStatisticsAsync(string text, CancellationToken cancellationToken = default)
    {
        var (connection, handle) = await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        return await worker.InvokeAsync<KeywordStatistics?>(connection, nameof(WorkerEndpoint.GetKeywordStatistics), [handle, text], null, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            var connection = await worker.GetAsync(CancellationToken.None).ConfigureAwait(false);
            if (connection.Generation == _generation)
            {
                await worker.InvokeAsync<bool>(connection, nameof(WorkerEndpoint.CloseKnowledgeBase), [_handle], null, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is PluginException or ObjectDisposedException)
        {
            // The worker is gone or faulted: the knowledge base closed with it.
        }
    }
}
