using LLama;
using LLama.Native;
using Microsoft.Extensions.AI;

namespace PluginAI.Backends.Llama.Internal;

/// <summary>Computes pooled, L2-normalised embeddings with a GGUF model, one input at a time.</summary>
internal sealed class LlamaEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly LlamaModel _model;
    private readonly Func<LLamaContext> _createContext;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly EmbeddingGeneratorMetadata _metadata;
    private readonly LLamaBatch _batch = new();
    private LLamaContext? _context;

    public LlamaEmbeddingGenerator(LlamaModel model, Func<LLamaContext> createContext)
    {
        _model = model;
        _createContext = createContext;
        _metadata = new EmbeddingGeneratorMetadata("llama.cpp", defaultModelId: model.Metadata.ModelId, defaultModelDimensions: model.Metadata.EmbeddingDimensions);
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        _model.ThrowIfDisposed();
        var dimensions = _model.Metadata.EmbeddingDimensions;
        if (options?.Dimensions is { } requested && requested != dimensions)
        {
            throw new PluginException($"Model '{_model.Metadata.ModelId}' produces embeddings of {dimensions} dimensions; {requested} were requested")
            {
                FilePath = _model.Metadata.ModelPath,
                ErrorCode = "model.unsupported-dimensions",
            };
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _model.DisposingToken);
        var token = linked.Token;
        await _gate.WaitAsync(token).ConfigureAwait(false);
        try
        {
            // Created on first use: most chat sessions never embed, and the context holds its own cache.
            _context ??= _createContext();
            var results = new GeneratedEmbeddings<Embedding<float>>();
            long inputTokens = 0;
            foreach (var value in values)
            {
                token.ThrowIfCancellationRequested();
                var vector = await EmbedAsync(_context, value ?? string.Empty, token).ConfigureAwait(false);
                inputTokens += vector.Tokens;
                results.Add(new Embedding<float>(vector.Values) { ModelId = _model.Metadata.ModelId, CreatedAt = DateTimeOffset.UtcNow });
            }

            results.Usage = new UsageDetails { InputTokenCount = inputTokens, TotalTokenCount = inputTokens };
            return results;
        }
        finally
        {
            _gate.Release();
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : _model.GetService(serviceType);
    }

    public void Dispose()
    {
        // The model owns the context; disposing the generator alone leaves the model usable.
    }

    internal async Task CloseAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        _context?.Dispose();
        _gate.Dispose();
    }

    private async Task<(float[] Values, int Tokens)> EmbedAsync(LLamaContext context, string text, CancellationToken cancellationToken)
    {
        var tokens = context.Tokenize(text, addBos: _model.Weights.Vocab.ShouldAddBOS, special: false);
        var limit = (int)Math.Min(context.ContextSize, context.BatchSize);
        if (tokens.Length > limit)
        {
            throw _model.ContextOverflow(tokens.Length, limit, "input to embed");
        }

        context.NativeHandle.MemoryClear(true);
        _batch.Clear();
        for (var i = 0; i < tokens.Length; i++)
        {
            _batch.Add(tokens[i], i, LLamaSeqId.Zero, true);
        }

        var result = await context.DecodeAsync(_batch, cancellationToken).ConfigureAwait(false);
        if (result != DecodeResult.Ok)
        {
            throw new PluginException($"llama.cpp failed to embed text with model '{_model.Metadata.ModelId}': {result}")
            {
                FilePath = _model.Metadata.ModelPath,
                ErrorCode = "model.decode-failed",
            };
        }

        var values = context.NativeHandle.GetEmbeddingsSeq(LLamaSeqId.Zero).ToArray();
        Normalize(values);
        return (values, tokens.Length);
    }

    private static void Normalize(float[] values)
    {
        var norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares(values));
        if (norm > 0)
        {
            System.Numerics.Tensors.TensorPrimitives.Divide(values, norm, values);
        }
    }
}
