using Microsoft.Extensions.AI;
using PluginAI.Processing;

namespace PluginAI.Backends.Onnx.Internal;

/// <summary>The <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of a loaded BERT model.</summary>
/// <remarks>
/// The work runs on the calling thread: embedding is CPU- or GPU-bound, and the caller knows best whether to move it
/// to another thread. Safe to call from several threads. Disposing the generator does nothing; disposing the loaded
/// model releases it.
/// </remarks>
internal sealed class OnnxEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>, ITokenCounter
{
    private readonly BertEmbedder _embedder;
    private readonly string _modelId;

    /// <summary>Initializes a new instance of the <see cref="OnnxEmbeddingGenerator"/> class.</summary>
    /// <param name="embedder">The embedder, owned by the loaded model.</param>
    /// <param name="modelId">The model id to stamp on embeddings.</param>
    public OnnxEmbeddingGenerator(BertEmbedder embedder, string modelId)
    {
        _embedder = embedder;
        _modelId = modelId;
        Metadata = new EmbeddingGeneratorMetadata("onnxruntime", providerUri: null, defaultModelId: modelId, defaultModelDimensions: embedder.Dimensions);
    }

    /// <summary>Gets what the generator is.</summary>
    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<GeneratedEmbeddings<Embedding<float>>>(cancellationToken);
        }

        try
        {
            return Task.FromResult(Generate(values, options, cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<GeneratedEmbeddings<Embedding<float>>>(cancellationToken);
        }
        catch (Exception ex) when (ex is PluginException or ArgumentException or ObjectDisposedException)
        {
            return Task.FromException<GeneratedEmbeddings<Embedding<float>>>(ex);
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
            : serviceType == typeof(ITokenCounter) ? this
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public int CountTokens(string text) => _embedder.CountTokens(text);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private GeneratedEmbeddings<Embedding<float>> Generate(IEnumerable<string> values, EmbeddingGenerationOptions? options, CancellationToken cancellationToken)
    {
        if (options?.Dimensions is { } dimensions && dimensions != _embedder.Dimensions)
        {
            throw new PluginException($"The model {_modelId} produces {_embedder.Dimensions}-dimensional embeddings and cannot shorten them to {dimensions}; leave Dimensions unset.")
            {
                ErrorCode = "embedding.unsupported-dimensions",
            };
        }

        string[] texts = [.. values];
        if (Array.IndexOf(texts, null) is var index and >= 0)
        {
            throw new ArgumentException($"The value at index {index} is null; every value must be a string (an empty string is allowed).", nameof(values));
        }

        var vectors = _embedder.Embed(texts, cancellationToken, out var tokenCount);
        var created = DateTimeOffset.UtcNow;
        var embeddings = new GeneratedEmbeddings<Embedding<float>>(vectors.Length)
        {
            Usage = new UsageDetails { InputTokenCount = tokenCount, TotalTokenCount = tokenCount },
        };
        foreach (var vector in vectors)
        {
            embeddings.Add(new Embedding<float>(vector) { ModelId = _modelId, CreatedAt = created });
        }

        return embeddings;
    }
}
