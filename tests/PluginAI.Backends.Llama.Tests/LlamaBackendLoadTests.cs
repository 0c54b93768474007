using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using PluginAI.Backends.Llama.Internal;
using PluginAI.Gguf;
using PluginAI.TestSupport;

namespace PluginAI.Backends.Llama.Tests;

public sealed class LlamaBackendLoadTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    private readonly LlamaBackend _backend = new(fixture.Logger);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Load_WithAndWithoutMemoryMapGeneratesTheSameText(bool memoryMap)
    {
        await using var model = await _backend.LoadModelAsync(new() { ModelPath = fixture.ChatMLModelPath, Plan = TinyModelFixture.Plan(memoryMap: memoryMap) });
        var reference = await fixture.Model.ChatClient!.GetResponseAsync("hello", new ChatOptions { Seed = 11, MaxOutputTokens = 8 });

        var response = await model.ChatClient!.GetResponseAsync("hello", new ChatOptions { Seed = 11, MaxOutputTokens = 8 });

        Assert.Equal(memoryMap, model.Metadata.Plan?.UseMemoryMap);
        Assert.Equal(reference.Text, response.Text);
    }

    [Fact]
    public async Task Load_WithLockMemoryLoads()
    {
        await using var model = await _backend.LoadModelAsync(new() { ModelPath = fixture.ChatMLModelPath, Plan = TinyModelFixture.Plan(lockMemory: true) });

        Assert.True(model.Metadata.Plan?.LockMemory);
        Assert.NotNull(await model.ChatClient!.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 1 }));
    }

    [Fact]
    public async Task Load_ReportsModelMetadata()
    {
        await using var model = await _backend.LoadModelAsync(new() { ModelPath = fixture.ChatMLModelPath, ModelName = "named", Plan = TinyModelFixture.Plan(contextSize: 256) });

        Assert.Equal("named", model.Metadata.ModelId);
        Assert.Equal(fixture.ChatMLModelPath, model.Metadata.ModelPath);
        Assert.Equal("llama", model.Metadata.Architecture);
        Assert.Equal(256, model.Metadata.ContextSize);
        Assert.Equal(ModelCapabilities.Chat | ModelCapabilities.Embeddings | ModelCapabilities.SeedDeterminism, model.Metadata.Capabilities);
        Assert.IsType<GgufFile>(model.GetService(typeof(GgufFile)));
    }

    [Fact]
    public async Task Load_PreparesOnlyRequestedCapabilities()
    {
        await using var model = await _backend.LoadModelAsync(new() { ModelPath = fixture.ChatMLModelPath, Plan = TinyModelFixture.Plan(), Capabilities = ModelCapabilities.Embeddings });

        Assert.Null(model.ChatClient);
        Assert.NotNull(model.EmbeddingGenerator);
    }

    [Fact]
    public async Task Load_WithoutPlanChoosesDefaults()
    {
        await using var model = await _backend.LoadModelAsync(new() { ModelPath = fixture.ChatMLModelPath });

        Assert.Equal(2048, model.Metadata.ContextSize);
        Assert.True(model.Metadata.Plan?.UseMemoryMap);
    }

    [Fact]
    public async Task Load_RejectsMissingFileNamingIt()
    {
        var path = fixture.File("missing.gguf");

        var error = await Assert.ThrowsAsync<PluginException>(() => _backend.LoadModelAsync(new() { ModelPath = path }));

        AssertNamesFile(error, path, GgufErrorCodes.NotFound);
    }

    [Fact]
    public async Task Load_RejectsFileThatIsNotGguf()
    {
        var path = fixture.File("notes.gguf");
        await File.WriteAllTextAsync(path, "These are my notes, not a model.");

        var error = await Assert.ThrowsAsync<PluginException>(() => _backend.LoadModelAsync(new() { ModelPath = path }));

        AssertNamesFile(error, path, GgufErrorCodes.NotGguf);
    }

    [Fact]
    public async Task Load_RejectsTruncatedFileBeforeLlamaCppSeesIt()
    {
        var path = fixture.File("truncated.gguf");
        var bytes = await File.ReadAllBytesAsync(fixture.ChatMLModelPath);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);
        var errorsBefore = fixture.Logger.Entries.Count(e => e.Level >= LogLevel.Error);

        var error = await Assert.ThrowsAsync<PluginException>(() => _backend.LoadModelAsync(new() { ModelPath = path }));

        AssertNamesFile(error, path, GgufErrorCodes.Truncated);
        Assert.Equal(errorsBefore, fixture.Logger.Entries.Count(e => e.Level >= LogLevel.Error));
    }

    [Fact]
    public async Task Load_RejectsUnsupportedArchitecture()
    {
        var path = fixture.File("mystery.gguf");
        TinyLlamaModel.Write(path, new TinyLlamaModelOptions { Architecture = "mystery" });

        var error = await Assert.ThrowsAsync<PluginException>(() => _backend.LoadModelAsync(new() { ModelPath = path }));

        AssertNamesFile(error, path, GgufErrorCodes.UnsupportedArchitecture);
        Assert.Contains("'mystery'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_RejectsGgufFileWithoutModel()
    {
        var path = fixture.File("metadata-only.gguf");
        new GgufWriter().Add("general.name", "no architecture").Write(path);

        var error = await Assert.ThrowsAsync<PluginException>(() => _backend.LoadModelAsync(new() { ModelPath = path }));

        AssertNamesFile(error, path, GgufErrorCodes.UnsupportedArchitecture);
    }

    [Fact]
    public async Task Load_RejectsInvalidPlan()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => _backend.LoadModelAsync(new() { ModelPath = fixture.ChatMLModelPath, Plan = new DevicePlan { Threads = 0, ContextSize = 512 } }));

        Assert.Contains("Threads is 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CanLoad_RecognisesGgufByHeader()
    {
        var text = fixture.File("readme.gguf");
        File.WriteAllText(text, "hello");

        Assert.True(_backend.CanLoad(fixture.ChatMLModelPath));
        Assert.False(_backend.CanLoad(text));
        Assert.False(_backend.CanLoad(fixture.File("absent.gguf")));
    }

    [Fact]
    public void NativeLog_GoesToTheLogger()
    {
        Assert.Contains(fixture.Logger.Entries, e => e.Message.StartsWith("llama.cpp: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dispose_CancelsRunningStreamAndFreesTheModel()
    {
        var model = await _backend.LoadModelAsync(new() { ModelPath = fixture.ChatMLModelPath, Plan = TinyModelFixture.Plan() });
        var client = model.ChatClient!;
        var stream = client.GetStreamingResponseAsync("hello", new ChatOptions { Seed = 1 }).GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());

        var disposing = model.DisposeAsync().AsTask();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            while (await stream.MoveNextAsync())
            {
            }
        });
        await stream.DisposeAsync();
        await disposing.WaitAsync(TimeSpan.FromSeconds(5));

        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetResponseAsync("hello"));
    }

    private static void AssertNamesFile(PluginException error, string path, string code)
    {
        Assert.Equal(path, error.FilePath);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Equal(code, error.ErrorCode);
    }
}
