using PluginAI.Gguf;

namespace PluginAI.Host.Planning;

/// <summary>What device planning needs to know about a model, read from its file header without loading weights.</summary>
public sealed record ModelProfile
{
    /// <summary>Gets the model file.</summary>
    public required string Path { get; init; }

    /// <summary>Gets the architecture, such as <c>llama</c>.</summary>
    public required string Architecture { get; init; }

    /// <summary>Gets the size of the file in bytes.</summary>
    public required long FileBytes { get; init; }

    /// <summary>Gets the number of repeating transformer blocks.</summary>
    public required int LayerCount { get; init; }

    /// <summary>Gets the bytes of weights per repeating block (averaged over the blocks).</summary>
    public required long BytesPerLayer { get; init; }

    /// <summary>Gets the bytes of weights outside the repeating blocks (token embeddings, output head, norms).</summary>
    public required long NonLayerBytes { get; init; }

    /// <summary>Gets the context length the model was trained with.</summary>
    public required int TrainedContextLength { get; init; }

    /// <summary>Gets the width of the key and value vectors per token and layer (embedding length × kv heads ÷ heads).</summary>
    public required int KeyValueWidth { get; init; }

    /// <summary>Gets the quantization, such as <c>Q4_K</c>, when known.</summary>
    public string? Quantization { get; init; }

    /// <summary>Gets the total bytes of weights.</summary>
    public long WeightBytes => NonLayerBytes + (BytesPerLayer * LayerCount);

    /// <summary>Returns the bytes of the key-value cache (16-bit keys and values) for a context length and a number of layers.</summary>
    /// <param name="contextLength">The context length in tokens.</param>
    /// <param name="layers">The number of layers whose cache is counted.</param>
    /// <returns>The cache size in bytes.</returns>
    public long KeyValueCacheBytes(int contextLength, int layers) => 2L * 2 * KeyValueWidth * contextLength * layers;

    /// <summary>Builds a profile from a GGUF header.</summary>
    /// <param name="file">The header.</param>
    /// <returns>The profile.</returns>
    /// <exception cref="PluginException">The header lacks the hyperparameters planning needs.</exception>
    public static ModelProfile FromGguf(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var layers = file.BlockCount ?? throw Missing(file, "block_count");
        var embedding = file.EmbeddingLength ?? throw Missing(file, "embedding_length");
        var heads = Math.Max(1, file.HeadCount ?? 1);
        var kvHeads = file.HeadCountKv ?? heads;
        var layerBytes = file.Tensors.Where(t => t.Name.StartsWith("blk.", StringComparison.Ordinal)).Sum(t => t.ByteSize);
        return new ModelProfile
        {
            Path = file.FilePath,
            Architecture = file.Architecture ?? "unknown",
            FileBytes = file.FileSize,
            LayerCount = layers,
            BytesPerLayer = layers == 0 ? 0 : layerBytes / layers,
            NonLayerBytes = file.TotalTensorBytes - layerBytes,
            TrainedContextLength = file.ContextLength ?? 2048,
            KeyValueWidth = (int)((long)embedding * kvHeads / heads),
            Quantization = file.QuantizationName,
        };
    }

    private static PluginException Missing(GgufFile file, string key) =>
        new($"{file.FilePath}: the GGUF header has no '{file.Architecture}.{key}'; device planning needs it.") { FilePath = file.FilePath, ErrorCode = "model.missing-metadata" };
}
