using Microsoft.Extensions.AI;

namespace PluginAI.Backends.Onnx.Internal;

/// <summary>A BERT sentence-embedding model loaded in ONNX Runtime.</summary>
internal sealed class OnnxLoadedModel : ILoadedModel
{
    private readonly BertEmbedder _embedder;

    /// <summary>Initializes a new instance of the <see cref="OnnxLoadedModel"/> class.</summary>
    /// <param name="embedder">The embedder, which the model owns.</param>
    /// <param name="metadata">What the model is and how it was placed.</param>
    /// <param name="optimizedGraph">What happened with the optimised graph, for diagnostics.</param>
    public OnnxLoadedModel(BertEmbedder embedder, ModelMetadata metadata, string optimizedGraph)
    {
        _embedder = embedder;
        Metadata = metadata;
        OptimizedGraph = optimizedGraph;
        EmbeddingGenerator = new OnnxEmbeddingGenerator(embedder, metadata.ModelId);
    }

    /// <inheritdoc />
    public ModelMetadata Metadata { get; }

    /// <summary>Gets whether the optimised graph was built, reused or not cached, with its path.</summary>
    public string OptimizedGraph { get; }

    /// <summary>Gets the device the model actually runs on, such as <c>cpu</c> or <c>cuda</c>.</summary>
    public string Device => Metadata.Plan?.Device ?? "cpu";

    /// <summary>Gets the number of inputs run together at most.</summary>
    public int MaxBatchSize => _embedder.MaxBatchSize;

    /// <inheritdoc />
    public IChatClient? ChatClient => null;

    /// <inheritdoc />
    public IEmbeddingGenerator<string, Embedding<float>> EmbeddingGenerator { get; }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _embedder.Dispose();
        return ValueTask.CompletedTask;
    }
}
