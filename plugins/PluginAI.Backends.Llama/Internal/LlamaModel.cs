using LLama;
using LLama.Common;
using LLama.Native;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using PluginAI.Gguf;

namespace PluginAI.Backends.Llama.Internal;

/// <summary>A GGUF model loaded in llama.cpp, with one context for chat and one, created on first use, for embeddings.</summary>
/// <remarks>
/// The chat context runs up to <see cref="DevicePlan.ParallelSequences"/> sequences at once, batched by one
/// <see cref="LlamaScheduler"/> thread; the embedding context runs one input at a time. Disposing cancels every request in
/// flight, waits for the scheduler's thread to leave, then frees the contexts and the weights.
/// </remarks>
internal sealed class LlamaModel : ILoadedModel
{
    private readonly ModelParams _modelParams;
    private readonly string _path;
    private readonly CancellationTokenSource _disposing = new();
    private readonly LlamaChatClient? _chatClient;
    private readonly LlamaEmbeddingGenerator? _embeddingGenerator;
    private int _disposed;

    public LlamaModel(string modelId, string path, GgufFile header, DevicePlan plan, ModelParams modelParams, LLamaWeights weights, ModelCapabilities requested, ILogger logger)
    {
        Header = header;
        Weights = weights;
        _path = path;
        _modelParams = modelParams;
        var capabilities = requested & (ModelCapabilities.Chat | ModelCapabilities.Embeddings);
        if (capabilities == ModelCapabilities.None)
        {
            capabilities = ModelCapabilities.Chat | ModelCapabilities.Embeddings;
        }

        // llama.cpp rounds the context up (to a multiple of 256), so the size reported is the one the context got.
        var chatContext = capabilities.HasFlag(ModelCapabilities.Chat) ? CreateContext(embeddings: false, logger) : null;
        Metadata = new ModelMetadata
        {
            ModelId = modelId,
            ModelPath = path,
            Architecture = header.Architecture,
            Capabilities = capabilities | ModelCapabilities.SeedDeterminism,
            ContextSize = chatContext is null ? plan.ContextSize : (int)chatContext.ContextSize,
            EmbeddingDimensions = capabilities.HasFlag(ModelCapabilities.Embeddings) ? header.EmbeddingLength ?? weights.EmbeddingSize : 0,
            Plan = plan,
        };

        if (chatContext is not null)
        {
            _chatClient = new LlamaChatClient(this, chatContext, plan.ParallelSequences, plan.QueueLimit, logger);
        }

        if (capabilities.HasFlag(ModelCapabilities.Embeddings))
        {
            _embeddingGenerator = new LlamaEmbeddingGenerator(this, () => CreateContext(embeddings: true, logger));
        }
    }

    public ModelMetadata Metadata { get; }

    public GgufFile Header { get; }

    public LLamaWeights Weights { get; }

    public IChatClient? ChatClient => _chatClient;

    public IEmbeddingGenerator<string, Embedding<float>>? EmbeddingGenerator => _embeddingGenerator;

    /// <summary>Gets a token that is cancelled when the model is disposed, so that running requests stop.</summary>
    public CancellationToken DisposingToken => _disposing.Token;

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType.IsInstanceOfType(this) ? this
            : serviceType.IsInstanceOfType(Header) ? Header
            : null;
    }

    public PluginException ContextOverflow(int promptTokens, int contextSize, string what) =>
        new($"The {what} is {promptTokens} tokens, but model '{Metadata.ModelId}' was loaded with a context of {contextSize} tokens; shorten the input or load the model with a larger context size")
        {
            FilePath = Metadata.ModelPath,
            ErrorCode = "model.context-overflow",
        };

    public void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        if (_chatClient is not null)
        {
            await _chatClient.CloseAsync().ConfigureAwait(false);
        }

        if (_embeddingGenerator is not null)
        {
            await _embeddingGenerator.CloseAsync().ConfigureAwait(false);
        }

        Weights.Dispose();
        _disposing.Dispose();
    }

    private LLamaContext CreateContext(bool embeddings, ILogger logger)
    {
        var parameters = _modelParams;
        if (embeddings)
        {
            // A pooled embedding needs the whole input in one micro-batch; mean pooling unless the model names its own.
            var size = _modelParams.ContextSize ?? 512;
            parameters = _modelParams with
            {
                Embeddings = true,
                SeqMax = 1,
                BatchSize = size,
                UBatchSize = size,
                PoolingType = Header.TryGetValue($"{Header.Architecture}.pooling_type", out _) ? LLamaPoolingType.Unspecified : LLamaPoolingType.Mean,
            };
        }

        try
        {
            return Weights.CreateContext(parameters, logger);
        }
        catch (Exception ex) when (ex is LLama.Exceptions.RuntimeError or InvalidOperationException)
        {
            throw new PluginException($"llama.cpp could not create a {(embeddings ? "embedding" : "chat")} context of {parameters.ContextSize} tokens for '{_path}': {ex.Message}", ex)
            {
                FilePath = _path,
                ErrorCode = "model.context-failed",
            };
        }
    }
}
