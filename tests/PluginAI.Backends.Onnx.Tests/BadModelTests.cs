using Microsoft.Extensions.Logging.Abstractions;
using PluginAI.Backends;
using PluginAI.Backends.Onnx.Internal;

namespace PluginAI.Backends.Onnx.Tests;

public sealed class BadModelTests : IDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly OnnxEmbeddingBackend _backend;

    public BadModelTests() => _backend = new(new OnnxBackendOptions { DataDirectory = _folder.File("data") }, NullLoggerFactory.Instance);

    public void Dispose() => _folder.Dispose();

    private string WriteModel(string name, byte[] content, bool withVocabulary = true)
    {
        var path = _folder.File(name);
        File.WriteAllBytes(path, content);
        if (withVocabulary)
        {
            File.WriteAllLines(_folder.File("vocab.txt"), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello"]);
        }

        return path;
    }

    private Task<ILoadedModel> LoadAsync(string path) => _backend.LoadModelAsync(new ModelLoadRequest { ModelPath = path });

    [Fact]
    public async Task MissingFile_FailsWithPluginExceptionNamingTheFile()
    {
        var path = _folder.File("missing.onnx");

        var error = await Assert.ThrowsAsync<PluginException>(() => LoadAsync(path));

        Assert.Equal(path, error.FilePath);
        Assert.Equal("model.not-found", error.ErrorCode);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FileThatIsNotOnnx_FailsWithPluginExceptionNamingTheFile()
    {
        var path = WriteModel("notes.onnx", "This is a text file, not a model.\n"u8.ToArray());

        var error = await Assert.ThrowsAsync<PluginException>(() => LoadAsync(path));

        Assert.Equal(path, error.FilePath);
        Assert.Equal("model.not-onnx", error.ErrorCode);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TruncatedRealModel_FailsWithPluginException_NotACrash()
    {
        var source = (await EmbeddedModelStore.EnsureExtractedAsync(_folder.File("data"), NullLogger.Instance, CancellationToken.None)).ModelPath;
        var bytes = new byte[1 << 20];
        await using (var stream = File.OpenRead(source))
        {
            stream.ReadExactly(bytes);
        }

        var path = WriteModel("truncated.onnx", bytes);

        var error = await Assert.ThrowsAsync<PluginException>(() => LoadAsync(path));

        Assert.Equal(path, error.FilePath);
    }

    [Fact]
    public async Task OnnxModelWithUnexpectedInputs_FailsListingWhatWasFoundAndExpected()
    {
        var path = WriteModel("identity.onnx", TinyOnnxModel.Identity("x", "y", TinyOnnxModel.Float, 1));

        var error = await Assert.ThrowsAsync<PluginException>(() => LoadAsync(path));

        Assert.Equal(path, error.FilePath);
        Assert.Equal("model.unexpected-signature", error.ErrorCode);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("found inputs x (float [1]) and outputs y (float [1])", error.Message, StringComparison.Ordinal);
        Assert.Contains("Expected inputs input_ids and attention_mask", error.Message, StringComparison.Ordinal);
        Assert.Contains("last_hidden_state", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnnxModelWithoutLastHiddenState_FailsListingItsOutputs()
    {
        var path = WriteModel("logits.onnx", TinyOnnxModel.BertInputsWithOutput("logits"));

        var error = await Assert.ThrowsAsync<PluginException>(() => LoadAsync(path));

        Assert.Equal("model.unexpected-signature", error.ErrorCode);
        Assert.Contains("outputs logits (int64 [batch, tokens])", error.Message, StringComparison.Ordinal);
        Assert.Contains("input_ids (int64 [batch, tokens]), attention_mask (int64 [batch, tokens])", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnnxModelWithoutVocabulary_FailsNamingTheMissingFile()
    {
        var path = WriteModel("alone.onnx", TinyOnnxModel.Identity("x", "y", TinyOnnxModel.Float, 1), withVocabulary: false);

        var error = await Assert.ThrowsAsync<PluginException>(() => LoadAsync(path));

        Assert.Equal("model.no-vocabulary", error.ErrorCode);
        Assert.Contains(_folder.File("vocab.txt"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestForChatOnly_FailsBecauseTheBackendOnlyEmbeds()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => _backend.LoadModelAsync(new ModelLoadRequest { ModelPath = "all-MiniLM-L6-v2", Capabilities = ModelCapabilities.Chat }));

        Assert.Equal("model.unsupported-capability", error.ErrorCode);
    }

    [Fact]
    public void CanLoad_AcceptsTheBuiltInNameAndOnnxFilesWithVocabulary_Only()
    {
        var withVocabulary = WriteModel("model.onnx", [0]);
        using var other = new TempDirectory();
        var withoutVocabulary = other.File("model.onnx");
        File.WriteAllBytes(withoutVocabulary, [0]);

        Assert.True(_backend.CanLoad("all-MiniLM-L6-v2"));
        Assert.True(_backend.CanLoad("ALL-MINILM-L6-V2"));
        Assert.True(_backend.CanLoad(withVocabulary));
        Assert.False(_backend.CanLoad(withoutVocabulary));
        Assert.False(_backend.CanLoad(_folder.File("model.gguf")));
        Assert.False(_backend.CanLoad(string.Empty));
    }
}
