using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using PluginAI.Backends;
using PluginAI.Backends.Onnx.Internal;

namespace PluginAI.Backends.Onnx.Tests;

public sealed class ModelCacheTests
{
    private static OnnxEmbeddingBackend CreateBackend(string dataDirectory) =>
        new(new OnnxBackendOptions { DataDirectory = dataDirectory }, NullLoggerFactory.Instance);

    private static async Task<OnnxLoadedModel> LoadAsync(OnnxEmbeddingBackend backend, string? cacheDirectory = null) =>
        (OnnxLoadedModel)await backend.LoadModelAsync(new ModelLoadRequest { ModelPath = "all-MiniLM-L6-v2", CacheDirectory = cacheDirectory });

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public async Task BuiltInModel_IsExtractedOnce_AndReusedOnTheNextLoad()
    {
        using var data = new TempDirectory();
        var backend = CreateBackend(data.Path);
        var folder = EmbeddedModelStore.GetModelFolder(data.Path);
        var model = Path.Combine(folder, "model.onnx");
        var vocabulary = Path.Combine(folder, "vocab.txt");

        await using (await LoadAsync(backend))
        {
            Assert.Equal(EmbeddedModelStore.ModelSha256, Sha256(model));
            Assert.Equal(EmbeddedModelStore.VocabularySha256, Sha256(vocabulary));
        }

        var written = (File.GetLastWriteTimeUtc(model), File.GetLastWriteTimeUtc(vocabulary));
        await Task.Delay(50);
        await using (await LoadAsync(backend))
        {
            Assert.Equal(written, (File.GetLastWriteTimeUtc(model), File.GetLastWriteTimeUtc(vocabulary)));
        }

        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
    }

    [Fact]
    public async Task BuiltInModel_IsExtractedToTheRequestsCacheDirectory_WhenOneIsGiven()
    {
        using var data = new TempDirectory();
        using var cache = new TempDirectory();

        await using var model = await LoadAsync(CreateBackend(data.Path), cache.Path);

        Assert.True(File.Exists(Path.Combine(EmbeddedModelStore.GetModelFolder(cache.Path), "model.onnx")));
        Assert.False(Directory.Exists(EmbeddedModelStore.GetModelFolder(data.Path)));
        Assert.StartsWith(cache.Path, model.Metadata.ModelPath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CorruptedExtractedFiles_AreDetectedAndExtractedAgain()
    {
        using var data = new TempDirectory();
        var folder = EmbeddedModelStore.GetModelFolder(data.Path);
        await EmbeddedModelStore.EnsureExtractedAsync(data.Path, NullLogger.Instance, CancellationToken.None);
        var model = Path.Combine(folder, "model.onnx");
        var vocabulary = Path.Combine(folder, "vocab.txt");
        await using (var stream = File.Open(model, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = stream.Length / 2;
            var original = stream.ReadByte();
            stream.Position--;
            stream.WriteByte((byte)(original ^ 0xFF));
        }

        await File.AppendAllTextAsync(vocabulary, "tampered\r\n");

        await using (await LoadAsync(CreateBackend(data.Path)))
        {
            Assert.Equal(EmbeddedModelStore.ModelSha256, Sha256(model));
            Assert.Equal(EmbeddedModelStore.VocabularySha256, Sha256(vocabulary));
        }
    }

    [Fact]
    public async Task OptimizedGraph_IsWrittenOnFirstLoad_AndReusedOnTheNext()
    {
        using var data = new TempDirectory();
        var backend = CreateBackend(data.Path);

        string path;
        await using (var first = await LoadAsync(backend))
        {
            Assert.StartsWith("built ", first.OptimizedGraph, StringComparison.Ordinal);
            path = first.OptimizedGraph["built ".Length..];
            Assert.True(File.Exists(path));
            Assert.Equal(Sha256(path), File.ReadAllText(path + ".sha256"));
            Assert.Contains("-cpu.onnx", path, StringComparison.Ordinal);
        }

        var written = File.GetLastWriteTimeUtc(path);
        await using (var second = await LoadAsync(backend))
        {
            Assert.Equal($"reused {path}", second.OptimizedGraph);
            Assert.Equal(written, File.GetLastWriteTimeUtc(path));
            var vectors = await MiniLmFixture.EmbedAsync(second, "Hello world");
            Assert.Equal(384, vectors[0].Length);
        }
    }

    [Fact]
    public async Task CorruptedOptimizedGraph_IsRebuilt()
    {
        using var data = new TempDirectory();
        var backend = CreateBackend(data.Path);
        string path;
        float[] expected;
        await using (var first = await LoadAsync(backend))
        {
            path = first.OptimizedGraph["built ".Length..];
            expected = (await MiniLmFixture.EmbedAsync(first, "Hello world"))[0];
        }

        await File.WriteAllBytesAsync(path, [1, 2, 3]);

        await using var rebuilt = await LoadAsync(backend);
        Assert.Equal($"built {path}", rebuilt.OptimizedGraph);
        Assert.Equal(Sha256(path), File.ReadAllText(path + ".sha256"));
        Assert.True(MiniLmFixture.Cosine(expected, (await MiniLmFixture.EmbedAsync(rebuilt, "Hello world"))[0]) >= 0.99999f);
    }

    [Fact]
    public async Task OptimizedGraphThatDoesNotLoad_IsRebuilt_EvenWhenItsHashMatches()
    {
        using var data = new TempDirectory();
        var backend = CreateBackend(data.Path);
        string path;
        await using (var first = await LoadAsync(backend))
        {
            path = first.OptimizedGraph["built ".Length..];
        }

        await File.WriteAllTextAsync(path, "not an onnx graph");
        await File.WriteAllTextAsync(path + ".sha256", Sha256(path));

        await using var rebuilt = await LoadAsync(backend);
        Assert.Equal($"built {path}", rebuilt.OptimizedGraph);
    }
}
